package dev.retrospect.core;

import java.util.List;
import java.util.Objects;

/**
 * A batch of rrweb events from one session, kept compressed. The pair (sessionId, sequence) is the
 * idempotency key: a retried batch is stored once and counted once.
 *
 * @param sequence the agent's per-session batch number, from 0
 * @param firstEventMicros time of the earliest event in the batch
 * @param lastEventMicros time of the latest event in the batch
 * @param eventCount number of events in the batch
 * @param errorCount console errors, unhandled errors and failed requests among them
 * @param fullSnapshotMicros times of the rrweb full snapshots in the batch, ascending
 * @param chapters chapters opened or completed by this batch (upserted, see {@link
 *     Chapter#mergedWith})
 * @param session what the agent said of the session with this batch
 * @param events the batch's events: a gzip-compressed JSON array of rrweb events in time order
 */
public record ReplayBatch(
    String sessionId,
    long sequence,
    long firstEventMicros,
    long lastEventMicros,
    int eventCount,
    int errorCount,
    List<Long> fullSnapshotMicros,
    List<Chapter> chapters,
    SessionInfo session,
    byte[] events) {

  public ReplayBatch {
    sessionId = Ids.sessionId(sessionId);
    if (sequence < 0) throw new InvalidInputException("batch sequence must not be negative");
    if (lastEventMicros < firstEventMicros) {
      throw new InvalidInputException("batch lastEventTime is before its firstEventTime");
    }
    fullSnapshotMicros = fullSnapshotMicros == null ? List.of() : List.copyOf(fullSnapshotMicros);
    chapters = chapters == null ? List.of() : List.copyOf(chapters);
    for (Chapter c : chapters) {
      if (!c.sessionId().equals(sessionId)) {
        throw new InvalidInputException("chapter " + c.chapterId() + " belongs to another session");
      }
    }
    session = session == null ? SessionInfo.EMPTY : session;
    Objects.requireNonNull(events, "events");
  }
}
