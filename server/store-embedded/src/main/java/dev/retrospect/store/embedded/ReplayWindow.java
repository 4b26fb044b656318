package dev.retrospect.store.embedded;

import dev.retrospect.core.ReplayBatch;
import java.util.ArrayList;
import java.util.List;

/** Which of a session's batches a player needs for a time range (see Storage#replay). */
final class ReplayWindow {
  private ReplayWindow() {}

  /**
   * From batches ordered by first event time then sequence: every batch with an event in [from,
   * to], and the batches before those back to the one holding the last full snapshot at or before
   * from (the first batch when there is none).
   */
  static List<ReplayBatch> select(List<ReplayBatch> ordered, long from, long to) {
    if (ordered.isEmpty()) return List.of();
    int start = 0;
    long lastSnapshot = Long.MIN_VALUE;
    for (int i = 0; i < ordered.size(); i++) {
      for (long snapshot : ordered.get(i).fullSnapshotMicros()) {
        if (snapshot <= from && snapshot >= lastSnapshot) {
          lastSnapshot = snapshot;
          start = i;
        }
      }
    }
    List<ReplayBatch> chosen = new ArrayList<>();
    for (int i = 0; i < ordered.size(); i++) {
      ReplayBatch b = ordered.get(i);
      boolean inRange = b.firstEventMicros() <= to && b.lastEventMicros() >= from;
      boolean leadsUp = i >= start && b.firstEventMicros() <= to;
      if (inRange || leadsUp) chosen.add(b);
    }
    return chosen;
  }
}
