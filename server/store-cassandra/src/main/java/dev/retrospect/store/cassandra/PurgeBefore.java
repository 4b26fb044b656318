package dev.retrospect.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import dev.retrospect.core.Chapter;
import dev.retrospect.core.Span;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Deletes everything older than a time on request. Retention does not need it (every row has a
 * TTL); it serves an operator who must forget data sooner. Deletes write tombstones, which TWCS
 * drops with the expired windows they fall in.
 */
final class PurgeBefore {
  private static final int PARALLEL = 64;
  private static final TimeBucket.Table HOURS = TimeBucket.Table.SPANS_BY_HOUR;

  private final CassandraStorage store;
  private final CqlSession session;
  private final Map<TimeBucket.Table, PreparedStatement> selectOldSpans = new EnumMap<>(TimeBucket.Table.class);
  private final Map<TimeBucket.Table, PreparedStatement> deleteSpanIndex = new EnumMap<>(TimeBucket.Table.class);
  private final Map<TimeBucket.Table, PreparedStatement> deleteToken = new EnumMap<>(TimeBucket.Table.class);
  private final PreparedStatement deleteSpan;
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
    for (TimeBucket.Table spans : TimeBucket.SPAN_TABLES) {
      selectOldSpans.put(spans, store.prepare("SELECT span FROM {ks}." + spans.name + " WHERE " + spans.column
          + " = ? AND shard = ? AND start_micros < ?"));
      deleteSpanIndex.put(spans, store.prepare("DELETE FROM {ks}." + spans.name + " WHERE " + spans.column
          + " = ? AND shard = ? AND start_micros = ? AND trace_id = ? AND span_id = ?"));
    }
    for (TimeBucket.Table words : TimeBucket.WORD_TABLES) {
      deleteToken.put(words, store.prepare("DELETE FROM {ks}." + words.name + " WHERE " + words.column
          + " = ? AND prefix = ? AND shard = ? AND word = ? AND start_micros = ? AND trace_id = ? AND span_id = ?"));
    }
    deleteSpan = store.prepare("DELETE FROM {ks}.spans WHERE trace_id = ? AND span_id = ?");
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
    // The buckets of both layouts: an hour past the coarse limit holds spans in both.
    List<TimeBucket> spanBuckets = store.spanBuckets(Long.MIN_VALUE, micros);
    List<TimeBucket> wordBuckets = store.wordBuckets(Long.MIN_VALUE, micros, spanBuckets);
    Set<TimeBucket> withWords = new HashSet<>(wordBuckets);
    // Each hour's coarse bucket before its minutes: a span written again after the hour passed the
    // limit has a row in both, and counts once.
    spanBuckets.sort(Comparator.comparingLong((TimeBucket b) -> HOURS.bucket(b.fromMicros()))
        .thenComparing(b -> b.table() != HOURS));
    long hour = Long.MIN_VALUE;
    Set<String> inHourTable = new HashSet<>();
    for (TimeBucket bucket : spanBuckets) {
      if (HOURS.bucket(bucket.fromMicros()) != hour) {
        hour = HOURS.bucket(bucket.fromMicros());
        inHourTable.clear();
      }
      for (int shard = 0; shard < bucket.table().shards; shard++) {
        List<Statement<?>> deletes = new ArrayList<>();
        for (Row row : session.execute(selectOldSpans.get(bucket.table()).bind(bucket.number(), shard, micros))) {
          // Purging needs a span's ids, start and words, never its resource: none is read.
          Span span = BinaryCodec.decodeSpan(row.getByteBuffer("span"), resource -> Map.of());
          deletes.addAll(spanDeletes(bucket, shard, span, micros, withWords));
          String id = span.traceId() + ":" + span.spanId();
          if (bucket.table() == HOURS) inHourTable.add(id);
          if (bucket.table() == HOURS || !inHourTable.contains(id)) spans++;
        }
        runAll(deletes);
      }
      if (bucket.toMicros() < micros) forgetBucket(bucket.table().marker, bucket.number());
    }
    for (TimeBucket bucket : wordBuckets) {
      if (bucket.toMicros() < micros) forgetBucket(bucket.table().marker, bucket.number());
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
   * The rows of a span older than {@code purgeMicros}: its own, its time index row and its words in
   * each text index layout whose bucket holds words ({@code withWords}; the span's words may be in
   * either, or both when its trace's second was written on both sides of the limit): per trace and
   * second (versions 3 and 4) and, by day, also one row per span as version 2 wrote them.
   */
  private List<Statement<?>> spanDeletes(TimeBucket bucket, int shard, Span span, long purgeMicros,
      Set<TimeBucket> withWords) {
    String trace = span.traceId();
    String id = span.spanId();
    long start = span.startMicros();
    List<Statement<?>> deletes = new ArrayList<>();
    deletes.add(deleteSpan.bind(trace, id));
    deletes.add(deleteSpanIndex.get(bucket.table()).bind(bucket.number(), shard, start, trace, id));
    int spanShard = Buckets.spanTokenShard(trace, id);
    long second = Buckets.traceWordBucket(start);
    // The trace's row for its second also stands for its spans of that second that started at or
    // after the purge time: it is deleted only when the whole second lies before that time.
    boolean wholeSecondPurged = second + Buckets.TRACE_WORD_BUCKET_MICROS <= purgeMicros;
    for (TimeBucket.Table words : TimeBucket.WORD_TABLES) {
      if (!withWords.contains(words.of(start))) continue;
      PreparedStatement deleteWord = deleteToken.get(words);
      long wordBucket = words.bucket(start);
      boolean version2Rows = words == TimeBucket.Table.WORDS_BY_DAY;
      for (String word : TokenIndex.words(span)) {
        String prefix = TokenIndex.partitionPrefix(word);
        if (version2Rows) deletes.add(deleteWord.bind(wordBucket, prefix, spanShard, word, start, trace, id));
        if (wholeSecondPurged) {
          deletes.add(deleteWord.bind(wordBucket, prefix, Buckets.tokenShard(trace), word, second, trace,
              TokenIndex.WHOLE_TRACE));
        }
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
