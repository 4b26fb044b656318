package dev.retrospect.store.cassandra;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the Cassandra store. {@link #fromEnvironment} reads them from the {@code
 * RETROSPECT_CASSANDRA_*} variables (and {@code RETROSPECT_RETENTION_DAYS}).
 *
 * @param contactPoints nodes to reach first; the driver discovers the rest of the cluster
 * @param localDatacenter the data centre whose nodes the driver queries (others are not used)
 * @param keyspace where Retrospect's tables live
 * @param consistency of every read and write; LOCAL_QUORUM lets a write survive the loss of a node
 * @param replication used when the keyspace is created
 * @param retentionDays data expires this many days after it was written (Cassandra TTL)
 * @param maxPendingWrites spans and replay batches accepted but not yet stored; beyond it writes
 *     are refused with {@link dev.retrospect.core.StorageOverloadedException}
 * @param coarseLimits how many spans of each hour and trace-seconds of each day this server writes
 *     to the coarse tables before the fine ones
 * @param manageSchema create and migrate the keyspace and tables at start; false when operators
 *     manage the schema themselves (the store then only checks its version)
 * @param username with password, for clusters that require authentication; null otherwise
 */
public record CassandraConfig(
    List<InetSocketAddress> contactPoints,
    String localDatacenter,
    String keyspace,
    DefaultConsistencyLevel consistency,
    Replication replication,
    int retentionDays,
    int maxPendingWrites,
    CoarseLimits coarseLimits,
    boolean manageSchema,
    String username,
    String password) {

  public static final int DEFAULT_PORT = 9042;

  public CassandraConfig {
    contactPoints = List.copyOf(contactPoints);
    if (contactPoints.isEmpty()) throw new IllegalArgumentException("no Cassandra contact point");
    Objects.requireNonNull(localDatacenter, "localDatacenter");
    if (keyspace == null || !keyspace.matches("[a-zA-Z][a-zA-Z0-9_]{0,47}")) {
      throw new IllegalArgumentException(
          "keyspace must be a letter then up to 47 letters, digits or _, got \"" + keyspace + "\"");
    }
    Objects.requireNonNull(consistency, "consistency");
    Objects.requireNonNull(replication, "replication");
    if (retentionDays < 1) throw new IllegalArgumentException("retention must be at least 1 day");
    if (maxPendingWrites < 1) throw new IllegalArgumentException("maxPendingWrites must be at least 1");
    Objects.requireNonNull(coarseLimits, "coarseLimits");
  }

  /** A single local node at the given CQL port, keyspace with replication factor 1. */
  public static CassandraConfig local(int port, String keyspace) {
    return new CassandraConfig(
        List.of(new InetSocketAddress("127.0.0.1", port)), "datacenter1", keyspace,
        DefaultConsistencyLevel.LOCAL_QUORUM, Replication.simple(1), 7, 20_000, CoarseLimits.DEFAULT, true, null,
        null);
  }

  public CassandraConfig withMaxPendingWrites(int value) {
    return new CassandraConfig(contactPoints, localDatacenter, keyspace, consistency, replication,
        retentionDays, value, coarseLimits, manageSchema, username, password);
  }

  public CassandraConfig withManageSchema(boolean value) {
    return new CassandraConfig(contactPoints, localDatacenter, keyspace, consistency, replication,
        retentionDays, maxPendingWrites, coarseLimits, value, username, password);
  }

  public CassandraConfig withCoarseLimits(CoarseLimits value) {
    return new CassandraConfig(contactPoints, localDatacenter, keyspace, consistency, replication,
        retentionDays, maxPendingWrites, value, manageSchema, username, password);
  }

  /**
   * Reads the settings from environment variables, each optional:
   *
   * <ul>
   *   <li>{@code RETROSPECT_CASSANDRA_CONTACT_POINTS} {@code host[:port],…}, default {@code 127.0.0.1:9042}
   *   <li>{@code RETROSPECT_CASSANDRA_LOCAL_DC}, default {@code datacenter1}
   *   <li>{@code RETROSPECT_CASSANDRA_KEYSPACE}, default {@code retrospect}
   *   <li>{@code RETROSPECT_CASSANDRA_CONSISTENCY}, default {@code LOCAL_QUORUM}
   *   <li>{@code RETROSPECT_CASSANDRA_REPLICATION} {@code 3} or {@code dc1:3,dc2:3}, default {@code 1}
   *   <li>{@code RETROSPECT_CASSANDRA_MAX_PENDING_WRITES}, default 20000
   *   <li>{@code RETROSPECT_CASSANDRA_COARSE_SPANS_PER_HOUR}, default 100000, 0 to 1000000
   *   <li>{@code RETROSPECT_CASSANDRA_COARSE_TRACE_SECONDS_PER_DAY}, default 400000, 0 to 4000000
   *   <li>{@code RETROSPECT_CASSANDRA_MANAGE_SCHEMA} {@code true|false}, default true
   *   <li>{@code RETROSPECT_CASSANDRA_USERNAME}, {@code RETROSPECT_CASSANDRA_PASSWORD}
   *   <li>{@code RETROSPECT_RETENTION_DAYS}, default 7
   * </ul>
   *
   * @throws IllegalArgumentException naming the variable whose value is wrong
   */
  public static CassandraConfig fromEnvironment(Map<String, String> env) {
    return new CassandraConfig(
        contactPoints(value(env, "RETROSPECT_CASSANDRA_CONTACT_POINTS", "127.0.0.1:9042")),
        value(env, "RETROSPECT_CASSANDRA_LOCAL_DC", "datacenter1"),
        value(env, "RETROSPECT_CASSANDRA_KEYSPACE", "retrospect"),
        consistency(value(env, "RETROSPECT_CASSANDRA_CONSISTENCY", "LOCAL_QUORUM")),
        parsed(env, "RETROSPECT_CASSANDRA_REPLICATION", "1", Replication::parse),
        parsed(env, "RETROSPECT_RETENTION_DAYS", "7", Integer::parseInt),
        (int) wholeNumber(env, "RETROSPECT_CASSANDRA_MAX_PENDING_WRITES", 20_000, 1, Integer.MAX_VALUE),
        new CoarseLimits(
            wholeNumber(env, "RETROSPECT_CASSANDRA_COARSE_SPANS_PER_HOUR",
                CoarseLimits.DEFAULT.spansPerHour(), 0, CoarseLimits.MAX_SPANS_PER_HOUR),
            wholeNumber(env, "RETROSPECT_CASSANDRA_COARSE_TRACE_SECONDS_PER_DAY",
                CoarseLimits.DEFAULT.traceSecondsPerDay(), 0, CoarseLimits.MAX_TRACE_SECONDS_PER_DAY)),
        parsed(env, "RETROSPECT_CASSANDRA_MANAGE_SCHEMA", "true", CassandraConfig::bool),
        env.get("RETROSPECT_CASSANDRA_USERNAME"),
        env.get("RETROSPECT_CASSANDRA_PASSWORD"));
  }

  private static String value(Map<String, String> env, String name, String fallback) {
    String v = env.get(name);
    return v == null || v.isBlank() ? fallback : v.trim();
  }

  private static <T> T parsed(
      Map<String, String> env, String name, String fallback, java.util.function.Function<String, T> parse) {
    String v = value(env, name, fallback);
    try {
      return parse.apply(v);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(name + ": " + (e.getMessage() == null ? "invalid value \"" + v + "\"" : e.getMessage()), e);
    }
  }

  /** Worded as the server's own settings are ({@code ServerConfig}), so that every bad number reads alike. */
  private static long wholeNumber(Map<String, String> env, String name, long fallback, long min, long max) {
    String v = value(env, name, Long.toString(fallback));
    try {
      long n = Long.parseLong(v);
      if (n >= min && n <= max) return n;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be a whole number from " + min + " to " + max + ", got \"" + v + "\"");
  }

  private static boolean bool(String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default -> throw new IllegalArgumentException("expected true or false, got \"" + v + "\"");
    };
  }

  private static DefaultConsistencyLevel consistency(String v) {
    try {
      return DefaultConsistencyLevel.valueOf(v.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "RETROSPECT_CASSANDRA_CONSISTENCY must be a consistency level such as LOCAL_QUORUM, got \"" + v + "\"");
    }
  }

  private static List<InetSocketAddress> contactPoints(String text) {
    List<InetSocketAddress> points = new ArrayList<>();
    for (String part : text.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) continue;
      int colon = p.lastIndexOf(':');
      try {
        points.add(colon < 0
            ? InetSocketAddress.createUnresolved(p, DEFAULT_PORT)
            : InetSocketAddress.createUnresolved(p.substring(0, colon), Integer.parseInt(p.substring(colon + 1))));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "RETROSPECT_CASSANDRA_CONTACT_POINTS must be host[:port],…, got \"" + text + "\"");
      }
    }
    return points;
  }
}
