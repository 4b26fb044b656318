package dev.retrospect.store.cassandra;

import java.util.Comparator;
import java.util.List;

/**
 * One time bucket of the span indexes: a partition key's time part, in the table that holds it.
 * Schema version 4 writes each index in two layouts: a bucket's first spans go to the coarse one
 * (the time index by hour, the text index by day: version 3's tables), those beyond a limit to the
 * fine one (by minute, by ten minutes), see {@link CoarseFirst}. A bucket of one layout may overlap
 * buckets of the other; searches read both and merge them (see RATIONALE.md).
 */
record TimeBucket(Table table, long number) {

  /** The tables of the time index (by span start) and of the text index (by word), per layout. */
  enum Table {
    /** The time index's fine layout: a minute of spans per partition (and shard). */
    SPANS_BY_MINUTE("span_index_by_minute", "minute", Buckets.MINUTE_MICROS, Buckets.SPAN_SHARDS, "span_minute"),
    /** The text index's fine layout. */
    WORDS_BY_TEN_MINUTES("span_tokens_by_ten_minutes", "ten_minutes", Buckets.TEN_MINUTES_MICROS,
        Buckets.TOKEN_SHARDS, "word_ten_minutes"),
    /** The coarse layouts (the only ones of versions 2 and 3). */
    SPANS_BY_HOUR("span_index", "hour", Buckets.HOUR_MICROS, Buckets.SPAN_SHARDS, "span_hour"),
    /** Versions 2 and 3 wrote no marker of their own here: the days of their hours hold their words. */
    WORDS_BY_DAY("span_tokens", "day", Buckets.DAY_MICROS, Buckets.TOKEN_SHARDS, "word_day");

    final String name;
    /** The partition key column that holds the bucket number. */
    final String column;
    final long micros;
    final int shards;
    /** The kind of the {@code buckets} rows that say which buckets of this table hold rows. */
    final String marker;

    Table(String name, String column, long micros, int shards, String marker) {
      this.name = name;
      this.column = column;
      this.micros = micros;
      this.shards = shards;
      this.marker = marker;
    }

    long bucket(long micros) {
      return Math.floorDiv(micros, this.micros);
    }

    TimeBucket of(long micros) {
      return new TimeBucket(this, bucket(micros));
    }
  }

  /** The time index's tables, fine layout first; the text index's. */
  static final List<Table> SPAN_TABLES = List.of(Table.SPANS_BY_MINUTE, Table.SPANS_BY_HOUR);
  static final List<Table> WORD_TABLES = List.of(Table.WORDS_BY_TEN_MINUTES, Table.WORDS_BY_DAY);

  long fromMicros() {
    return number * table.micros;
  }

  /** The last microsecond of the bucket (inclusive). */
  long toMicros() {
    return fromMicros() + table.micros - 1;
  }

  /**
   * Buckets in the order a time-ordered search reads them: newest-first by their end (latest
   * first), oldest-first by their start (earliest first). Buckets of two layouts may overlap.
   */
  static Comparator<TimeBucket> readOrder(boolean descending) {
    Comparator<TimeBucket> byEnd = Comparator.comparingLong(TimeBucket::toMicros)
        .thenComparingLong(TimeBucket::fromMicros);
    Comparator<TimeBucket> byStart = Comparator.comparingLong(TimeBucket::fromMicros)
        .thenComparingLong(TimeBucket::toMicros);
    return descending ? byEnd.reversed() : byStart;
  }

  /**
   * Whether the bucket can hold a span that a search in this direction returns no later than a
   * span started at {@code startMicros} (ties are ordered by ids, so an equal start counts).
   */
  boolean mayPrecede(boolean descending, long startMicros) {
    return descending ? toMicros() >= startMicros : fromMicros() <= startMicros;
  }
}
