package dev.retrospect.store.cassandra;

/**
 * How rows are spread over partitions so that none grows without bound (see RATIONALE.md). These
 * numbers are part of the schema: changing one needs a migration of the tables that use it.
 */
final class Buckets {
  static final long HOUR_MICROS = 3_600_000_000L;
  static final long DAY_MICROS = 24 * HOUR_MICROS;
  /** Partitions per hour of {@code span_index}: writes of one hour spread over this many nodes. */
  static final int SPAN_SHARDS = 8;
  /** Partitions per (day, word prefix) of {@code span_tokens}. */
  static final int TOKEN_SHARDS = 4;

  /** Kinds of rows in the {@code buckets} table: which hours and days hold data. */
  static final String SPAN_HOURS = "span_hour";
  static final String SESSION_DAYS = "session_day";

  private Buckets() {}

  static long hour(long micros) {
    return Math.floorDiv(micros, HOUR_MICROS);
  }

  static long day(long micros) {
    return Math.floorDiv(micros, DAY_MICROS);
  }

  static int spanShard(String traceId, String spanId) {
    return Math.floorMod((traceId + spanId).hashCode(), SPAN_SHARDS);
  }

  static int tokenShard(String traceId, String spanId) {
    return Math.floorMod((spanId + traceId).hashCode(), TOKEN_SHARDS);
  }
}
