package dev.retrospect.store.cassandra;

import com.datastax.oss.driver.api.core.cql.Row;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which replay batches a player needs for [from, to]: every batch with an event in that range and
 * those before it back to the batch holding the last full snapshot at or before {@code from} (or
 * the first batch when there is none), so that playback can start from a complete page.
 */
final class ReplaySelection {
  private ReplaySelection() {}

  /** Chooses among batch summary rows; returns them ordered by first event time, then sequence. */
  static List<Row> choose(List<Row> summaries, long fromMicros, long toMicros) {
    List<Row> sorted = new ArrayList<>(summaries);
    sorted.sort(Comparator.<Row>comparingLong(r -> r.getLong("first_event_micros"))
        .thenComparingLong(r -> r.getLong("sequence")));
    int start = 0;
    long lastSnapshot = Long.MIN_VALUE;
    for (int i = 0; i < sorted.size(); i++) {
      for (Long snapshot : sorted.get(i).getList("full_snapshots", Long.class)) {
        if (snapshot <= fromMicros && snapshot >= lastSnapshot) {
          lastSnapshot = snapshot;
          start = i;
        }
      }
    }
    boolean anyInRange = false;
    List<Row> chosen = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) {
      Row r = sorted.get(i);
      boolean inRange = r.getLong("first_event_micros") <= toMicros && r.getLong("last_event_micros") >= fromMicros;
      anyInRange |= inRange;
      if (inRange || (i >= start && r.getLong("first_event_micros") <= toMicros)) chosen.add(r);
    }
    return anyInRange ? chosen : List.of();
  }
}
