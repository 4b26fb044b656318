package dev.retrospect.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencySummaryTest {

  @Test
  void percentilesUseNearestRank() {
    long[] nanos = new long[200];
    for (int i = 0; i < nanos.length; i++) nanos[i] = (200 - i) * 1_000_000L; // 1..200 ms, reversed

    LatencySummary summary = LatencySummary.ofNanos(nanos);

    assertThat(summary.p50Millis()).isEqualTo(100.0);
    assertThat(summary.p99Millis()).isEqualTo(198.0);
    assertThat(summary.maxMillis()).isEqualTo(200.0);
    assertThat(summary.count()).isEqualTo(200);
  }
}
