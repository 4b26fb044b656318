package dev.retrospect.store.cassandra;

import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Chooses, per coarse bucket (an hour of the time index, a day of the text index), between the
 * coarse layout and the fine one: a bucket's first {@code limit} units (spans, or trace-seconds of
 * words) written by this process go to the coarse partitions, the rest to the fine ones. At low rates a bucket never reaches the
 * limit, so searches read few partitions; at high rates the coarse partitions stop growing at the
 * limit, so none passes the size bound (see RATIONALE.md, "Coarse first"). Counts live in memory
 * only: a restart or another server puts at most one more limit's worth into a coarse bucket.
 */
final class CoarseFirst {
  /**
   * Buckets whose counts are kept; beyond, the oldest are forgotten. As hours, 42 days: more than
   * a usual retention period. A bucket older than every one kept (spans late by weeks, or from a
   * wrong clock) is not counted at all and goes to the fine layout, whose partitions are bounded
   * whatever arrives; counting it would forget it again at once and let it grow its coarse
   * partition without limit.
   */
  private static final int TRACKED_BUCKETS = 1_024;

  private final long limit;
  private final ConcurrentSkipListMap<Long, AtomicLong> written = new ConcurrentSkipListMap<>();

  CoarseFirst(long limit) {
    if (limit < 0) throw new IllegalArgumentException("limit must not be negative, got " + limit);
    this.limit = limit;
  }

  /** Whether one more unit of the bucket goes to the coarse layout; counts it either way. */
  boolean coarse(long bucket) {
    AtomicLong count = written.get(bucket);
    if (count == null) {
      if (written.size() >= TRACKED_BUCKETS && bucket < written.firstKey()) return false;
      count = written.computeIfAbsent(bucket, b -> new AtomicLong());
      if (written.size() > TRACKED_BUCKETS) written.pollFirstEntry();
    }
    return count.getAndIncrement() < limit;
  }
}
