package dev.retrospect.store.cassandra;

/**
 * How rows are spread over partitions so that none grows without bound (see RATIONALE.md). These
 * numbers are part of the schema: changing one needs a migration of the tables that use it.
 */
final class Buckets {
  static final long MINUTE_MICROS = 60_000_000L;
  static final long TEN_MINUTES_MICROS = 10 * MINUTE_MICROS;
  static final long HOUR_MICROS = 60 * MINUTE_MICROS;
  static final long DAY_MICROS = 24 * HOUR_MICROS;
  /**
   * Partitions per time bucket of the time index (a minute since schema version 4, an hour
   * before): writes of one bucket spread over this many replica sets, and a newest-first page
   * merges this many partitions per bucket it reads.
   */
  static final int SPAN_SHARDS = 8;
  /** Partitions per (time bucket, word prefix) of the text index (ten minutes since version 4, a day before). */
  static final int TOKEN_SHARDS = 4;
  /**
   * A text index row since schema version 3 says "spans of this trace that started in this second
   * hold this word": the spans of one trace share most words, so one row stands for all of them
   * (see RATIONALE.md).
   */
  static final long TRACE_WORD_BUCKET_MICROS = 1_000_000L;

  /** Kind of rows in the {@code buckets} table: which days hold sessions. */
  static final String SESSION_DAYS = "session_day";

  private Buckets() {}

  static long day(long micros) {
    return Math.floorDiv(micros, DAY_MICROS);
  }

  static int spanShard(String traceId, String spanId) {
    return Math.floorMod((traceId + spanId).hashCode(), SPAN_SHARDS);
  }

  /** The start of the trace word bucket holding the time. */
  static long traceWordBucket(long micros) {
    return Math.floorDiv(micros, TRACE_WORD_BUCKET_MICROS) * TRACE_WORD_BUCKET_MICROS;
  }

  /** The token shard of a trace's rows (schema version 3 and later). */
  static int tokenShard(String traceId) {
    return Math.floorMod(traceId.hashCode(), TOKEN_SHARDS);
  }

  /** The token shard of a span's own rows, as schema version 2 wrote them; still read and purged. */
  static int spanTokenShard(String traceId, String spanId) {
    return Math.floorMod((spanId + traceId).hashCode(), TOKEN_SHARDS);
  }
}
