package dev.retrospect.store.cassandra;

/**
 * How much of each coarse bucket one server writes to the coarse layout before it sends the rest
 * of that bucket to the fine one (see {@link CoarseFirst} and RATIONALE.md, "Coarse first"). A
 * coarse partition holds up to <em>writers × limit</em>, writers being the servers and restarts
 * that write the same hour or day.
 *
 * @param spansPerHour spans of one hour (by start) written to the time index by hour; 0 writes
 *     every span by minute
 * @param traceSecondsPerDay a trace's spans of one second are one unit of the text index (one row
 *     per word): so many of them per day are written to the text index by day; 0 writes every
 *     word by ten minutes
 */
public record CoarseLimits(long spansPerHour, long traceSecondsPerDay) {
  /**
   * 100,000 spans: 12,500 rows ≈ 11 MB per time index partition (8 shards); 400,000
   * trace-seconds: about 200,000 rows ≈ 12 MB per text index partition (4 shards, two rows per
   * trace-second in the fullest prefix, as in the benchmark). Eight writers' worth stays under
   * ~100 MB; rates up to about 27 spans/s and 4.6 trace-seconds/s sustained stay coarse.
   */
  public static final CoarseLimits DEFAULT = new CoarseLimits(100_000, 400_000);

  /**
   * Ten times the default: one writer alone then fills a time index partition with 125,000 rows
   * (≈ 112 MB), about the ~100 MB guideline. A larger value would be a typo, or a partition
   * beyond the guideline from a single server.
   */
  public static final long MAX_SPANS_PER_HOUR = 1_000_000;

  /** Ten times the default: one writer alone then fills the fullest text index partition with ≈ 120 MB. */
  public static final long MAX_TRACE_SECONDS_PER_DAY = 4_000_000;

  public CoarseLimits {
    if (spansPerHour < 0 || spansPerHour > MAX_SPANS_PER_HOUR) {
      throw new IllegalArgumentException("spansPerHour must be from 0 to " + MAX_SPANS_PER_HOUR + ", got " + spansPerHour);
    }
    if (traceSecondsPerDay < 0 || traceSecondsPerDay > MAX_TRACE_SECONDS_PER_DAY) {
      throw new IllegalArgumentException(
          "traceSecondsPerDay must be from 0 to " + MAX_TRACE_SECONDS_PER_DAY + ", got " + traceSecondsPerDay);
    }
  }
}
