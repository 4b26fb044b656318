package dev.retrospect.bench;

import java.util.Arrays;

/** Nearest-rank percentiles of a set of latencies, in milliseconds. */
public record LatencySummary(int count, double p50Millis, double p99Millis, double maxMillis) {

  public static LatencySummary ofNanos(long[] nanos) {
    if (nanos.length == 0) return new LatencySummary(0, Double.NaN, Double.NaN, Double.NaN);
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return new LatencySummary(sorted.length, millis(rank(sorted, 0.50)), millis(rank(sorted, 0.99)),
        millis(sorted[sorted.length - 1]));
  }

  private static long rank(long[] sorted, double quantile) {
    int index = (int) Math.ceil(quantile * sorted.length) - 1;
    return sorted[Math.max(0, index)];
  }

  private static double millis(long nanos) {
    return nanos / 1_000_000.0;
  }

  @Override
  public String toString() {
    return String.format("p50 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d)", p50Millis, p99Millis,
        maxMillis, count);
  }
}
