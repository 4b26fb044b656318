package dev.retrospect.store.cassandra;

import java.util.Comparator;

/**
 * One time bucket of the span indexes: a partition key's time part, in the table that holds it.
 * Schema version 4 writes the time index by minute and the text index by ten minutes; version 3's
 * tables (by hour and by day) are still read and purged until their rows expire, so a keyspace
 * upgraded from version 3 finds everything it held (see RATIONALE.md).
 */
record TimeBucket(Table table, long number) {

  /** The tables of the time index (by span start) and of the text index (by word), per layout. */
  enum Table {
    /** Schema version 4's time index: about a minute of spans per partition (and shard). */
    SPANS_BY_MINUTE("span_index_by_minute", "minute", Buckets.MINUTE_MICROS, Buckets.SPAN_SHARDS, "span_minute"),
    /** Schema version 4's text index. */
    WORDS_BY_TEN_MINUTES("span_tokens_by_ten_minutes", "ten_minutes", Buckets.TEN_MINUTES_MICROS,
        Buckets.TOKEN_SHARDS, null),
    /** Versions 2 and 3: still read and purged. */
    SPANS_BY_HOUR("span_index", "hour", Buckets.HOUR_MICROS, Buckets.SPAN_SHARDS, "span_hour"),
    WORDS_BY_DAY("span_tokens", "day", Buckets.DAY_MICROS, Buckets.TOKEN_SHARDS, null);

    final String name;
    /** The partition key column that holds the bucket number. */
    final String column;
    final long micros;
    final int shards;
    /** The kind of the {@code buckets} rows that say which buckets hold spans (time index tables only). */
    final String marker;

    Table(String name, String column, long micros, int shards, String marker) {
      this.name = name;
      this.column = column;
      this.micros = micros;
      this.shards = shards;
      this.marker = marker;
    }

    /** The text index written beside this time index: its buckets hold the words of this one's spans. */
    Table words() {
      return this == SPANS_BY_MINUTE ? WORDS_BY_TEN_MINUTES : WORDS_BY_DAY;
    }

    long bucket(long micros) {
      return Math.floorDiv(micros, this.micros);
    }

    TimeBucket of(long micros) {
      return new TimeBucket(this, bucket(micros));
    }
  }

  long fromMicros() {
    return number * table.micros;
  }

  /** The last microsecond of the bucket (inclusive). */
  long toMicros() {
    return fromMicros() + table.micros - 1;
  }

  /** The text index bucket holding the words of this time index bucket's spans. */
  TimeBucket words() {
    return table.words().of(fromMicros());
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
