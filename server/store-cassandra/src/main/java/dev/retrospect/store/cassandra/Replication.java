package dev.retrospect.store.cassandra;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How the keyspace is replicated: {@code SimpleStrategy} with one replication factor (a single data
 * centre, development) or {@code NetworkTopologyStrategy} with a factor per data centre.
 *
 * @param factors data centre → replication factor; empty for SimpleStrategy
 */
public record Replication(int simpleFactor, Map<String, Integer> factors) {

  public Replication {
    factors = Map.copyOf(factors);
    if (factors.isEmpty() && simpleFactor < 1) {
      throw new IllegalArgumentException("replication factor must be at least 1");
    }
    factors.forEach((dc, rf) -> {
      if (rf < 1) throw new IllegalArgumentException("replication factor of " + dc + " must be at least 1");
    });
  }

  public static Replication simple(int factor) {
    return new Replication(factor, Map.of());
  }

  public static Replication perDatacenter(Map<String, Integer> factors) {
    if (factors.isEmpty()) throw new IllegalArgumentException("no data centre given");
    return new Replication(0, factors);
  }

  /**
   * Parses {@code 3} (SimpleStrategy, factor 3) or {@code dc1:3,dc2:3} (NetworkTopologyStrategy).
   */
  public static Replication parse(String text) {
    String s = text.trim();
    if (s.chars().allMatch(Character::isDigit) && !s.isEmpty()) return simple(Integer.parseInt(s));
    Map<String, Integer> factors = new LinkedHashMap<>();
    for (String part : s.split(",")) {
      String[] dcAndFactor = part.trim().split(":");
      if (dcAndFactor.length != 2 || !dcAndFactor[1].trim().matches("[0-9]+")) {
        throw new IllegalArgumentException(
            "replication must be a factor (3) or data centre factors (dc1:3,dc2:3), got \"" + text + "\"");
      }
      factors.put(dcAndFactor[0].trim(), Integer.parseInt(dcAndFactor[1].trim()));
    }
    return perDatacenter(factors);
  }

  /** The replication map of {@code CREATE KEYSPACE}. */
  String toCql() {
    if (factors.isEmpty()) {
      return "{'class': 'SimpleStrategy', 'replication_factor': " + simpleFactor + "}";
    }
    return factors.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(e -> "'" + e.getKey().replace("'", "''") + "': " + e.getValue())
        .collect(Collectors.joining(", ", "{'class': 'NetworkTopologyStrategy', ", "}"));
  }
}
