package dev.retrospect.store.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CoarseFirstTest {
  @Test
  void aBucketsFirstUnitsUpToTheLimitGoCoarseAndTheRestFine() {
    CoarseFirst layout = new CoarseFirst(3);

    assertThat(layout.coarse(10)).isTrue();
    assertThat(layout.coarse(10)).isTrue();
    assertThat(layout.coarse(11)).as("another bucket counts apart").isTrue();
    assertThat(layout.coarse(10)).isTrue();
    assertThat(layout.coarse(10)).isFalse();
    assertThat(layout.coarse(10)).isFalse();
  }

  @Test
  void aBucketOlderThanEveryTrackedOneGoesFineEveryTimeInsteadOfRestartingItsCount() {
    CoarseFirst layout = new CoarseFirst(2);
    for (long bucket = 1_000; bucket < 1_000 + 1_024; bucket++) layout.coarse(bucket);

    for (int i = 0; i < 5; i++) {
      assertThat(layout.coarse(5)).as("a bucket weeks older than the rest, write " + i).isFalse();
    }
    assertThat(layout.coarse(1_000)).as("the oldest tracked bucket still counts").isTrue();
    assertThat(layout.coarse(1_000)).isFalse();
    assertThat(layout.coarse(5_000)).as("a new bucket is tracked").isTrue();
  }
}
