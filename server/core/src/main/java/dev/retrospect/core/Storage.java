package dev.retrospect.core;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where Retrospect keeps spans, chapters, sessions and replay. One instance per server process;
 * every method is safe to call from many threads. Each store (embedded, Cassandra) passes the same
 * contract test suite, which is the precise statement of the behaviour summarized here.
 *
 * <p>Linking: a span is linked to a chapter (and so a session) either by its own {@code
 * session.id}/{@code retrospect.chapter.id} attributes or, when it has none, by its trace id being
 * the trace id of a chapter. Spans and chapters may arrive in either order; query results carry the
 * link as soon as both are stored.
 */
public interface Storage extends AutoCloseable {

  /**
   * Stores spans. The future completes once every span is durable (a crash after that loses none)
   * and fails with {@link StorageOverloadedException} at once, storing nothing, when the store's
   * bounded write queue is full, or later when its backend could not take the write in time (the
   * client retries; idempotent writes make that safe). A span written again (same trace id and
   * span id) is stored once.
   */
  CompletableFuture<Void> writeSpans(List<Span> spans);

  /**
   * Stores a replay batch with its chapters and session details, durably as for {@link
   * #writeSpans}. A batch written again (same session and sequence) changes nothing and completes
   * normally. Batches may arrive in any order.
   */
  CompletableFuture<Void> writeReplay(ReplayBatch batch);

  /** Searches spans; results carry sessionId and chapterId when linked. */
  Page<Span> searchSpans(SpanQuery query);

  /** All spans of a trace ordered by start time, linked; empty when the trace is unknown. */
  List<Span> trace(String traceId);

  /**
   * About how many bytes {@link #trace} of this trace reads: its spans as stored, each counted with
   * the resource attributes it names (a trace's answer repeats them for every span); 0 when the
   * trace is unknown. Told without decoding the spans, so that a caller can reserve memory for the
   * trace before it reads it.
   */
  long traceBytes(String traceId);

  /**
   * The first {@code limit} service names seen, sorted. Bounded because a client may send any
   * number of distinct names, and the answer is held in memory whole.
   */
  List<String> services(int limit);

  Optional<Chapter> chapter(String chapterId);

  /** The chapter whose request started this trace. */
  Optional<Chapter> chapterOfTrace(String traceId);

  Optional<Session> session(String sessionId);

  /** The session's chapters ordered by sequence. */
  List<Chapter> chapters(String sessionId);

  Page<Session> searchSessions(SessionQuery query);

  /**
   * The replay batches a player needs to show the session from {@code fromMicros} to {@code
   * toMicros}: every batch with an event in that range, and those before it back to the batch that
   * holds the last full snapshot at or before {@code fromMicros} (or the session's first batch if
   * there is none). Ordered by first event time, then sequence.
   */
  List<ReplayBatch> replay(String sessionId, long fromMicros, long toMicros);

  /**
   * The total size of the compressed events of the batches that {@link #replay} returns for the
   * same arguments, told without holding those events.
   */
  long replayBytes(String sessionId, long fromMicros, long toMicros);

  /**
   * Deletes spans, replay, chapters and sessions older than the given time and reclaims their
   * space; returns how many spans were deleted. Stores whose data expires by itself (TTL) return 0.
   */
  long purgeBefore(long micros);

  /** Writes accepted but not yet durable: the queue depth, for metrics and load shedding. */
  int pendingWrites();

  /** Throws when the store cannot serve reads and writes; used by {@code /health}. */
  void check();

  @Override
  void close();
}
