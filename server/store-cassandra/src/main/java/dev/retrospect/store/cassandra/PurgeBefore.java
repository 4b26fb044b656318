package dev.retrospect.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import dev.retrospect.core.Chapter;
import dev.retrospect.core.Span;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Deletes everything older than a time on request. Retention does not need it (every row has a
 * TTL); it serves an operator who must forget data sooner. Deletes write tombstones, which TWCS
 * drops with the expired windows they fall in.
 */
final class PurgeBefore {
  private static final int PARALLEL = 64;

  private final CassandraStorage store;
  private final CqlSession session;
  private final PreparedStatement selectOldSpans;
  private final PreparedStatement deleteSpan;
  private final PreparedStatement deleteSpanIndex;
  private final PreparedStatement deleteToken;
  private final PreparedStatement deleteBucket;
  private final PreparedStatement selectSessionsOfDay;
  private final PreparedStatement selectBatchEnds;
  private final PreparedStatement deleteBatch;
  private final PreparedStatement deleteSessionDay;
  private final PreparedStatement selectChapters;
  private final PreparedStatement deleteChapterOfSession;
  private final PreparedStatement deleteChapterReports;
  private final PreparedStatement deleteChapterByTrace;

  PurgeBefore(CassandraStorage store) {
    this.store = store;
    this.session = store.session();
    selectOldSpans = store.prepare("SELECT span FROM {ks}.span_index WHERE hour = ? AND shard = ? AND start_micros < ?");
    deleteSpan = store.prepare("DELETE FROM {ks}.spans WHERE trace_id = ? AND span_id = ?");
    deleteSpanIndex = store.prepare("DELETE FROM {ks}.span_index WHERE hour = ? AND shard = ? AND start_micros = ?"
        + " AND trace_id = ? AND span_id = ?");
    deleteToken = store.prepare("DELETE FROM {ks}.span_tokens WHERE day = ? AND prefix = ? AND shard = ? AND word = ?"
        + " AND start_micros = ? AND trace_id = ? AND span_id = ?");
    deleteBucket = store.prepare("DELETE FROM {ks}.buckets WHERE kind = ? AND bucket = ?");
    selectSessionsOfDay = store.prepare("SELECT session_id FROM {ks}.sessions_by_day WHERE day = ?");
    selectBatchEnds = store.prepare("SELECT sequence, last_event_micros FROM {ks}.replay_batches WHERE session_id = ?");
    deleteBatch = store.prepare("DELETE FROM {ks}.replay_batches WHERE session_id = ? AND sequence = ?");
    deleteSessionDay = store.prepare("DELETE FROM {ks}.sessions_by_day WHERE day = ? AND session_id = ?");
    selectChapters = store.prepare("SELECT chapter_sequence, chapter_id, chapter FROM {ks}.chapters_by_session WHERE session_id = ?");
    deleteChapterOfSession = store.prepare("DELETE FROM {ks}.chapters_by_session WHERE session_id = ?"
        + " AND chapter_sequence = ? AND chapter_id = ?");
    deleteChapterReports = store.prepare("DELETE FROM {ks}.chapter_reports WHERE chapter_id = ?");
    deleteChapterByTrace = store.prepare("DELETE FROM {ks}.chapter_by_trace WHERE trace_id = ? AND chapter_id = ?");
  }

  /** Deletes spans started before {@code micros}, then replay, chapters and sessions; returns the span count. */
  long run(long micros) {
    long spans = 0;
    for (long hour : store.buckets(Buckets.SPAN_HOURS)) {
      if (hour > Buckets.hour(micros)) continue;
      for (int shard = 0; shard < Buckets.SPAN_SHARDS; shard++) {
        List<Statement<?>> deletes = new ArrayList<>();
        for (Row row : session.execute(selectOldSpans.bind(hour, shard, micros))) {
          Span span = BinaryCodec.decodeSpan(row.getByteBuffer("span"));
          deletes.addAll(spanDeletes(hour, shard, span, micros));
          spans++;
        }
        runAll(deletes);
      }
      if (hour < Buckets.hour(micros)) forgetBucket(Buckets.SPAN_HOURS, hour);
    }
    for (long day : store.buckets(Buckets.SESSION_DAYS)) {
      if (day > Buckets.day(micros)) continue;
      boolean dayEmptied = true;
      for (Row row : session.execute(selectSessionsOfDay.bind(day))) {
        dayEmptied &= purgeSession(row.getString("session_id"), day, micros);
      }
      if (dayEmptied) forgetBucket(Buckets.SESSION_DAYS, day);
    }
    return spans;
  }

  /**
   * The rows of a span older than {@code purgeMicros}: its own, its time index row and its words,
   * both as schema version 2 wrote them (one row per span) and as version 3 writes them (per trace
   * and second).
   */
  private List<Statement<?>> spanDeletes(long hour, int shard, Span span, long purgeMicros) {
    String trace = span.traceId();
    String id = span.spanId();
    long start = span.startMicros();
    List<Statement<?>> deletes = new ArrayList<>();
    deletes.add(deleteSpan.bind(trace, id));
    deletes.add(deleteSpanIndex.bind(hour, shard, start, trace, id));
    long day = Buckets.day(start);
    int spanShard = Buckets.spanTokenShard(trace, id);
    long bucket = Buckets.traceWordBucket(start);
    // The trace's row for its second also stands for its spans of that second that started at or
    // after the purge time: it is deleted only when the whole second lies before that time.
    boolean wholeSecondPurged = bucket + Buckets.TRACE_WORD_BUCKET_MICROS <= purgeMicros;
    for (String word : TokenIndex.words(span)) {
      String prefix = TokenIndex.partitionPrefix(word);
      deletes.add(deleteToken.bind(day, prefix, spanShard, word, start, trace, id));
      if (wholeSecondPurged) {
        deletes.add(deleteToken.bind(day, prefix, Buckets.tokenShard(trace), word, bucket, trace,
            TokenIndex.WHOLE_TRACE));
      }
    }
    return deletes;
  }

  /** Deletes the session's old batches and chapters; true when nothing of it remains. */
  private boolean purgeSession(String sessionId, long day, long micros) {
    List<Statement<?>> deletes = new ArrayList<>();
    int kept = 0;
    for (Row batch : session.execute(selectBatchEnds.bind(sessionId))) {
      if (batch.getLong("last_event_micros") < micros) deletes.add(deleteBatch.bind(sessionId, batch.getLong("sequence")));
      else kept++;
    }
    Map<String, Chapter> chapters = new LinkedHashMap<>();
    for (Row row : session.execute(selectChapters.bind(sessionId))) {
      chapters.merge(row.getString("chapter_id"), BinaryCodec.decodeChapter(row.getByteBuffer("chapter")), Chapter::mergedWith);
    }
    for (Chapter chapter : chapters.values()) {
      if (chapter.firstEventMicros() >= micros) continue;
      deletes.add(deleteChapterOfSession.bind(sessionId, chapter.sequence(), chapter.chapterId()));
      deletes.add(deleteChapterReports.bind(chapter.chapterId()));
      if (chapter.traceId() != null) deletes.add(deleteChapterByTrace.bind(chapter.traceId(), chapter.chapterId()));
    }
    if (kept == 0) deletes.add(deleteSessionDay.bind(day, sessionId));
    runAll(deletes);
    return kept == 0;
  }

  private void forgetBucket(String kind, long bucket) {
    session.execute(deleteBucket.bind(kind, bucket));
    store.forgetMarker(kind, bucket);
  }

  private void runAll(List<Statement<?>> statements) {
    for (int i = 0; i < statements.size(); i += PARALLEL) {
      List<CompletableFuture<?>> window = new ArrayList<>();
      for (Statement<?> s : statements.subList(i, Math.min(statements.size(), i + PARALLEL))) {
        window.add(session.executeAsync(s).toCompletableFuture());
      }
      window.forEach(CompletableFuture::join);
    }
  }
}
