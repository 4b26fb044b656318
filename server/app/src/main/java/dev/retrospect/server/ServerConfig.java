package dev.retrospect.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting of the server, read once at start from environment variables and command-line
 * flags. Each setting has one environment name ({@code RETROSPECT_HTTP_PORT}) and one flag derived
 * from it ({@code --http-port=3200}); a flag wins over the environment. Bad values stop the start
 * with a message naming the setting and the value.
 *
 * @param storage {@code embedded} or {@code cassandra}
 * @param corsOrigins origins a browser may send ingest requests from; {@code ["*"]} allows any
 * @param storeSettings every {@code RETROSPECT_*} setting as given, for the store factory (so that
 *     a store's own settings, such as Cassandra's contact points, pass through)
 * @param writeQueue spans and replay batches the embedded store holds waiting for the disk
 * @param maxIngestInFlight ingest requests being read, decoded and written at once, all ports
 *     together; the bound on the memory ingest can take
 * @param maxIngestMemory heap ingest requests in flight may hold; 0 for half the JVM's heap
 * @param maxQueriesInFlight API queries running or waiting at once
 * @param maxQueryMemory heap the API queries in flight may hold; 0 for a quarter of the
 *     JVM's heap
 */
public record ServerConfig(
    String storage,
    Path dataDir,
    int retentionDays,
    int httpPort,
    int otlpHttpPort,
    int otlpGrpcPort,
    InetAddress bindAddress,
    List<String> corsOrigins,
    long maxRequestBytes,
    long maxDecompressedBytes,
    Map<String, String> storeSettings,
    Access access,
    int writeQueue,
    int maxIngestInFlight,
    long maxIngestMemory,
    int maxQueriesInFlight,
    long maxQueryMemory) {

  /** One setting: its environment name, flag, default and meaning (the README's table). */
  public enum Setting {
    STORAGE("RETROSPECT_STORAGE", "embedded", "store: embedded (SQLite in the data directory) or cassandra"),
    DATA_DIR("RETROSPECT_DATA_DIR", "./data", "directory of the embedded store"),
    RETENTION_DAYS("RETROSPECT_RETENTION_DAYS", "7", "days data is kept before it is purged"),
    HTTP_PORT("RETROSPECT_HTTP_PORT", "3200", "UI, query API, /health, /metrics, POST /v1/replay and /v1/traces"),
    OTLP_HTTP_PORT("RETROSPECT_OTLP_HTTP_PORT", "4318", "OTLP/HTTP POST /v1/traces"),
    OTLP_GRPC_PORT("RETROSPECT_OTLP_GRPC_PORT", "4317", "OTLP/gRPC TraceService/Export"),
    BIND_ADDRESS("RETROSPECT_BIND_ADDRESS", "127.0.0.1", "address every port listens on; 0.0.0.0 for all interfaces"),
    CORS_ORIGINS("RETROSPECT_CORS_ORIGINS", "*", "comma-separated origins allowed to POST /v1/replay and /v1/traces on the UI port from a browser; * for any"),
    MAX_REQUEST_BYTES("RETROSPECT_MAX_REQUEST_BYTES", "8388608", "largest ingest request body as sent (413 above)"),
    MAX_DECOMPRESSED_BYTES("RETROSPECT_MAX_DECOMPRESSED_BYTES", "67108864", "largest ingest body after gzip decompression (413 above)"),
    CASSANDRA_CONTACT_POINTS("RETROSPECT_CASSANDRA_CONTACT_POINTS", "127.0.0.1:9042", "Cassandra store: comma-separated host:port"),
    CASSANDRA_LOCAL_DC("RETROSPECT_CASSANDRA_LOCAL_DC", "datacenter1", "Cassandra store: local data center"),
    CASSANDRA_KEYSPACE("RETROSPECT_CASSANDRA_KEYSPACE", "retrospect", "Cassandra store: keyspace"),
    CASSANDRA_CONSISTENCY("RETROSPECT_CASSANDRA_CONSISTENCY", "LOCAL_QUORUM", "Cassandra store: consistency level of every read and write"),
    CASSANDRA_REPLICATION("RETROSPECT_CASSANDRA_REPLICATION", "1", "Cassandra store: replication when it creates the keyspace, 3 (SimpleStrategy) or dc1:3,dc2:3 (NetworkTopologyStrategy)"),
    CASSANDRA_MAX_PENDING_WRITES("RETROSPECT_CASSANDRA_MAX_PENDING_WRITES", "20000", "Cassandra store: spans and batches accepted but not yet stored; beyond it ingest answers 503"),
    CASSANDRA_COARSE_SPANS_PER_HOUR("RETROSPECT_CASSANDRA_COARSE_SPANS_PER_HOUR", "100000", "Cassandra store: spans of each hour this server writes to the time index by hour before it writes the rest by minute, 0 to 1000000; 0 for by minute only"),
    CASSANDRA_COARSE_TRACE_SECONDS_PER_DAY("RETROSPECT_CASSANDRA_COARSE_TRACE_SECONDS_PER_DAY", "400000", "Cassandra store: trace-seconds (a trace's spans in one second) of each day this server writes to the text index by day before it writes the rest by ten minutes, 0 to 4000000; 0 for by ten minutes only"),
    CASSANDRA_MANAGE_SCHEMA("RETROSPECT_CASSANDRA_MANAGE_SCHEMA", "true", "Cassandra store: create and migrate keyspace and tables at start; false when operators manage the schema"),
    CASSANDRA_USERNAME("RETROSPECT_CASSANDRA_USERNAME", "", "Cassandra store: user, for clusters with authentication"),
    CASSANDRA_PASSWORD("RETROSPECT_CASSANDRA_PASSWORD", "", "Cassandra store: password of that user"),
    UI_USER("RETROSPECT_UI_USER", "", "user for the UI, query API and /metrics (HTTP Basic); set with RETROSPECT_UI_PASSWORD"),
    UI_PASSWORD("RETROSPECT_UI_PASSWORD", "", "password of RETROSPECT_UI_USER"),
    API_TOKEN("RETROSPECT_API_TOKEN", "", "token for the UI, query API and /metrics (Authorization: Bearer); without it or a user, the UI port listens on loopback only"),
    INGEST_KEYS("RETROSPECT_INGEST_KEYS", "", "comma-separated write-only keys browsers send to /v1/replay and /v1/traces on the UI port (?key= or X-Retrospect-Key); when set, requests without one get 401"),
    OTLP_TOKEN("RETROSPECT_OTLP_TOKEN", "", "when set, OTLP ingest on the OTLP ports requires Authorization: Bearer with this token (gRPC: the same metadata)"),
    WRITE_QUEUE("RETROSPECT_WRITE_QUEUE", "20000", "embedded store: spans and replay batches waiting for the disk; past it ingest gets 503 with Retry-After"),
    MAX_INGEST_IN_FLIGHT("RETROSPECT_MAX_INGEST_IN_FLIGHT", "64", "ingest requests read and decoded at once, all ports together; past it ingest gets 429 with Retry-After"),
    MAX_INGEST_MEMORY("RETROSPECT_MAX_INGEST_MEMORY", "0", "bytes of heap the ingest requests in flight may hold while decoded (6x each decompressed body); past it ingest gets 429/503 with Retry-After; 0 for half the JVM heap"),
    MAX_QUERIES_IN_FLIGHT("RETROSPECT_MAX_QUERIES_IN_FLIGHT", "32", "API queries (/api/…) running or waiting at once; past it a query gets 503 with Retry-After, and ingest is unaffected"),
    MAX_QUERY_MEMORY("RETROSPECT_MAX_QUERY_MEMORY", "0", "bytes of heap the API queries in flight may hold (trace, chapter, session and replay reads, span searches and exports; each reserved before it is read, decompressed or formatted); past it a query gets 503 with Retry-After; 0 for a quarter of the JVM heap, so that with ingest's half a quarter stays free");

    public final String env;
    public final String defaultValue;
    public final String description;

    Setting(String env, String defaultValue, String description) {
      this.env = env;
      this.defaultValue = defaultValue;
      this.description = description;
    }

    /** {@code RETROSPECT_HTTP_PORT} → {@code --http-port}. */
    public String flag() {
      return "--" + env.substring("RETROSPECT_".length()).toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** Read by bin/retrospect (the JVM's options), not by the server; no warning for it. */
  private static final String LAUNCHER_JAVA_OPTS = "RETROSPECT_JAVA_OPTS";

  /** A setting with a value the server cannot use; the message is shown to the user as is. */
  public static final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
      super(message);
    }
  }

  /** Reads the settings from these environment variables and command-line arguments. */
  public static ServerConfig from(Map<String, String> env, String... args) {
    Map<String, String> values = new LinkedHashMap<>();
    for (Setting s : Setting.values()) {
      String v = env.get(s.env);
      values.put(s.env, v == null || v.isBlank() ? s.defaultValue : v.trim());
    }
    for (String arg : args) {
      Setting s = Arrays.stream(Setting.values())
          .filter(x -> arg.startsWith(x.flag() + "="))
          .findFirst()
          .orElseThrow(() -> unknownArgument(arg));
      values.put(s.env, arg.substring(s.flag().length() + 1).trim());
    }

    String storage = values.get(Setting.STORAGE.env).toLowerCase(Locale.ROOT);
    if (!storage.equals("embedded") && !storage.equals("cassandra")) {
      throw invalid(Setting.STORAGE, values, "must be embedded or cassandra");
    }
    long maxRequest = positiveLong(Setting.MAX_REQUEST_BYTES, values);
    long maxDecompressed = positiveLong(Setting.MAX_DECOMPRESSED_BYTES, values);
    if (maxDecompressed < maxRequest) {
      throw invalid(Setting.MAX_DECOMPRESSED_BYTES, values,
          "must be at least " + Setting.MAX_REQUEST_BYTES.env + " (" + maxRequest + ")");
    }
    return new ServerConfig(
        storage,
        Path.of(values.get(Setting.DATA_DIR.env)),
        (int) intIn(Setting.RETENTION_DAYS, values, 1, 36_500),
        (int) intIn(Setting.HTTP_PORT, values, 0, 65_535),
        (int) intIn(Setting.OTLP_HTTP_PORT, values, 0, 65_535),
        (int) intIn(Setting.OTLP_GRPC_PORT, values, 0, 65_535),
        address(values),
        origins(values),
        maxRequest,
        maxDecompressed,
        Map.copyOf(values),
        access(values),
        (int) intIn(Setting.WRITE_QUEUE, values, 1, 10_000_000),
        (int) intIn(Setting.MAX_INGEST_IN_FLIGHT, values, 1, 100_000),
        intIn(Setting.MAX_INGEST_MEMORY, values, 0, Long.MAX_VALUE),
        (int) intIn(Setting.MAX_QUERIES_IN_FLIGHT, values, 1, 10_000),
        intIn(Setting.MAX_QUERY_MEMORY, values, 0, Long.MAX_VALUE));
  }

  /**
   * Who may read and who may write. Empty strings and lists mean "not configured".
   *
   * @param ingestKeys write-only keys for browser ingest on the UI port; they never grant reads
   * @param otlpToken bearer token for the OTLP ports
   */
  public record Access(String uiUser, String uiPassword, String apiToken, List<String> ingestKeys, String otlpToken) {
    public Access {
      ingestKeys = List.copyOf(ingestKeys);
    }

    /** True when reads need credentials: a user and password or a token is configured. */
    public boolean readsProtected() {
      return !uiUser.isEmpty() || !apiToken.isEmpty();
    }
  }

  /**
   * Where the UI port listens: the configured address, unless that reaches other machines and no
   * read credentials are configured, in which case loopback only (customers' sessions are never
   * served to the network without credentials).
   */
  public InetAddress uiBindAddress() {
    if (access.readsProtected() || bindAddress.isLoopbackAddress()) return bindAddress;
    return InetAddress.getLoopbackAddress();
  }

  private static Access access(Map<String, String> values) {
    String user = values.get(Setting.UI_USER.env);
    String password = values.get(Setting.UI_PASSWORD.env);
    if (user.isEmpty() != password.isEmpty()) {
      Setting missing = user.isEmpty() ? Setting.UI_USER : Setting.UI_PASSWORD;
      throw new ConfigException(missing.env + " (" + missing.flag() + ") must be set too: "
          + Setting.UI_USER.env + " and " + Setting.UI_PASSWORD.env + " go together");
    }
    if (user.contains(":")) throw invalid(Setting.UI_USER, values, "must not contain ':' (HTTP Basic separates user and password with it)");
    List<String> keys = Arrays.stream(values.get(Setting.INGEST_KEYS.env).split(","))
        .map(String::trim)
        .filter(k -> !k.isEmpty())
        .toList();
    return new Access(user, password, values.get(Setting.API_TOKEN.env), keys, values.get(Setting.OTLP_TOKEN.env));
  }

  /** The value of a setting as given (or its default). */
  public String value(Setting setting) {
    return storeSettings.get(setting.env);
  }

  /** True when browsers from any origin may send ingest requests. */
  public boolean anyCorsOrigin() {
    return corsOrigins.contains("*");
  }

  private static long intIn(Setting s, Map<String, String> values, long min, long max) {
    String v = values.get(s.env);
    try {
      long n = Long.parseLong(v);
      if (n >= min && n <= max) return n;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(s, values, "must be a whole number from " + min + " to " + max);
  }

  private static long positiveLong(Setting s, Map<String, String> values) {
    return intIn(s, values, 1, Long.MAX_VALUE);
  }

  private static InetAddress address(Map<String, String> values) {
    String v = values.get(Setting.BIND_ADDRESS.env);
    // Only literal addresses: a host name would mean a DNS lookup at start and a surprise later.
    if (!v.matches("[0-9a-fA-F:.]+")) {
      throw invalid(Setting.BIND_ADDRESS, values, "must be an IP address such as 127.0.0.1 or 0.0.0.0");
    }
    try {
      return InetAddress.getByName(v);
    } catch (UnknownHostException e) {
      throw invalid(Setting.BIND_ADDRESS, values, "must be an IP address such as 127.0.0.1 or 0.0.0.0");
    }
  }

  private static List<String> origins(Map<String, String> values) {
    List<String> origins = Arrays.stream(values.get(Setting.CORS_ORIGINS.env).split(","))
        .map(String::trim)
        .filter(o -> !o.isEmpty())
        .toList();
    for (String o : origins) {
      if (!o.equals("*") && !o.matches("https?://[^/\\s]+")) {
        throw invalid(Setting.CORS_ORIGINS, values,
            "must be * or comma-separated origins like https://shop.example.com (scheme and host, no path); bad entry \"" + o + "\"");
      }
    }
    if (origins.isEmpty()) throw invalid(Setting.CORS_ORIGINS, values, "must name at least one origin, or *");
    return origins;
  }

  private static ConfigException invalid(Setting s, Map<String, String> values, String rule) {
    return new ConfigException(
        s.env + " (" + s.flag() + ") " + rule + ", got \"" + values.get(s.env) + "\"");
  }

  /** True when the arguments ask for the list of settings instead of a start. */
  public static boolean helpRequested(String... args) {
    return Arrays.stream(args).anyMatch(a -> a.equals("--help") || a.equals("-h"));
  }

  /** Every setting: its flag with the default, its environment variable and what it does. */
  public static String usage() {
    StringBuilder text = new StringBuilder(
        "Usage: java -jar retrospect.jar [--setting=value ...]\n"
            + "Every setting is a flag or an environment variable; a flag wins.\n\n");
    for (Setting s : Setting.values()) {
      text.append("  ").append(s.flag()).append('=').append(s.defaultValue.isEmpty() ? "(none)" : s.defaultValue)
          .append("\n      ").append(s.env).append(": ").append(s.description).append('\n');
    }
    return text.toString();
  }

  /**
   * One warning for each {@code RETROSPECT_} environment variable that is no setting, so that a
   * misspelt one ({@code RETROSPECT_HTTP_PROT}) is not silently left at its default.
   */
  public static List<String> unknownEnvironment(Map<String, String> env) {
    return env.keySet().stream()
        .filter(name -> name.startsWith("RETROSPECT_") && !name.equals(LAUNCHER_JAVA_OPTS))
        .filter(name -> Arrays.stream(Setting.values()).noneMatch(s -> s.env.equals(name)))
        .sorted()
        .map(name -> name + " is not a setting of the server and is ignored"
            + closest(name, Arrays.stream(Setting.values()).map(s -> s.env).toList())
                .map(known -> " (did you mean " + known + "?)").orElse(""))
        .toList();
  }

  private static ConfigException unknownArgument(String arg) {
    String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
    Optional<Setting> bare = Arrays.stream(Setting.values()).filter(s -> s.flag().equals(name)).findFirst();
    if (bare.isPresent()) {
      String example = bare.get().defaultValue.isEmpty() ? "VALUE" : bare.get().defaultValue;
      return new ConfigException(name + " needs its value after '=', e.g. " + name + "=" + example
          + "; --help lists every setting");
    }
    List<String> flags = Arrays.stream(Setting.values()).map(Setting::flag).toList();
    return new ConfigException("unknown argument " + arg
        + closest(name, flags).map(f -> " (did you mean " + f + "=?)").orElse("") + "; --help lists every setting");
  }

  /** The known name within three edits of this one, if there is one. */
  private static Optional<String> closest(String name, List<String> known) {
    return known.stream()
        .filter(k -> editDistance(name, k) <= 3)
        .min(Comparator.comparingInt(k -> editDistance(name, k)));
  }

  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) previous[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
