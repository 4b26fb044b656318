package dev.retrospect.store.embedded;

import dev.retrospect.core.Chapter;
import dev.retrospect.core.ReplayBatch;
import dev.retrospect.core.SessionInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The statements the writer thread runs inside its transactions, prepared once on the writer's
 * connection. Only {@link GroupCommitWriter}'s thread touches an instance.
 */
final class WriteTransaction implements AutoCloseable {
  /** Multi-row inserts by row count: one statement per chunk costs a third less than per row. */
  private final Map<Integer, PreparedStatement> insertSpans = new HashMap<>();
  private final Map<Integer, PreparedStatement> insertSpanTexts = new HashMap<>();
  private PreparedStatement insertService;
  private PreparedStatement selectResource;
  private PreparedStatement insertResource;
  private PreparedStatement touchResource;
  private PreparedStatement insertBatch;
  private PreparedStatement selectChapter;
  private PreparedStatement upsertChapter;
  private PreparedStatement selectSession;
  private PreparedStatement insertSession;
  private PreparedStatement updateSession;
  private PreparedStatement deleteSessionText;
  private PreparedStatement insertSessionText;
  private static final int CHUNK = 50;
  private static final String INSERT_SPANS =
      "INSERT OR IGNORE INTO spans (id, trace_id, span_id, service, start_us, duration_us,"
          + " http_status, is_error, body, resource_id) VALUES";
  private static final String SPAN_VALUES = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String INSERT_SPAN_TEXT = "INSERT INTO span_text (rowid, text) VALUES";

  private final Connection connection;
  /** Services known to be in the table, to skip a statement per span; cleared on rollback. */
  private final Set<String> knownServices = new HashSet<>();
  /**
   * Ids of resources known to be in the table (few: one per process that sent spans), to skip a
   * lookup per span; cleared on rollback, which may have undone an insert.
   */
  private final Map<SpanRow.Resource, Long> knownResources = new HashMap<>();
  private static final int MAX_KNOWN_RESOURCES = 10_000;
  /** Span rowids are assigned here, so that the text index row can use the same id. */
  private long lastSpanId;

  WriteTransaction(Connection connection) throws SQLException {
    this.connection = connection;
    prepare();
    try (Statement s = connection.createStatement();
        ResultSet r = s.executeQuery("SELECT coalesce(max(id), 0) FROM spans")) {
      lastSpanId = r.next() ? r.getLong(1) : 0;
    }
  }

  private void prepare() throws SQLException {
    insertService = connection.prepareStatement("INSERT OR IGNORE INTO services (name) VALUES (?)");
    selectResource = connection.prepareStatement("SELECT id FROM resources WHERE body = ?");
    insertResource = connection.prepareStatement("INSERT INTO resources (body) VALUES (?) RETURNING id");
    touchResource = connection.prepareStatement(
        "UPDATE resources SET last_start_us = max(last_start_us, ?) WHERE id = ?");
    insertBatch =
        connection.prepareStatement(
            "INSERT OR IGNORE INTO replay_batches (session_id, sequence, first_event_us,"
                + " last_event_us, event_count, error_count, full_snapshots, events)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    selectChapter =
        connection.prepareStatement(
            "SELECT " + ChapterColumns.SELECT + ", report_seq FROM chapters WHERE chapter_id = ?");
    upsertChapter =
        connection.prepareStatement(
            "INSERT OR REPLACE INTO chapters (" + ChapterColumns.SELECT + ", report_seq)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    selectSession =
        connection.prepareStatement(
            "SELECT id, first_seen_us, last_seen_us, service, service_seq, user_agent,"
                + " user_agent_seq, entry_url, entry_url_seq, user_id, user_id_seq, user_email,"
                + " user_email_seq FROM sessions WHERE session_id = ?");
    insertSession =
        connection.prepareStatement(
            "INSERT INTO sessions (session_id, first_seen_us, last_seen_us, service, service_seq,"
                + " user_agent, user_agent_seq, entry_url, entry_url_seq, user_id, user_id_seq,"
                + " user_email, user_email_seq, event_count, error_count)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
    updateSession =
        connection.prepareStatement(
            "UPDATE sessions SET first_seen_us = ?, last_seen_us = ?, service = ?, service_seq = ?,"
                + " user_agent = ?, user_agent_seq = ?, entry_url = ?, entry_url_seq = ?,"
                + " user_id = ?, user_id_seq = ?, user_email = ?, user_email_seq = ?,"
                + " event_count = event_count + ?, error_count = error_count + ? WHERE id = ?");
    deleteSessionText = connection.prepareStatement("DELETE FROM session_text WHERE rowid = ?");
    insertSessionText = connection.prepareStatement("INSERT INTO session_text (rowid, text) VALUES (?, ?)");
  }

  /** Inserts spans not stored yet (by trace id and span id) with their text; repeats are ignored. */
  void insertSpans(List<SpanRow> rows) throws SQLException {
    // The latest start per resource of these spans: one update per resource, not per span.
    Map<Long, Long> lastStartByResource = new HashMap<>();
    for (int from = 0; from < rows.size(); from += CHUNK) {
      List<SpanRow> chunk = rows.subList(from, Math.min(rows.size(), from + CHUNK));
      long firstId = lastSpanId + 1;
      lastSpanId += chunk.size();
      PreparedStatement insert = statement(insertSpans, chunk.size(), INSERT_SPANS, SPAN_VALUES, " RETURNING id");
      int p = 1;
      for (int i = 0; i < chunk.size(); i++) {
        SpanRow row = chunk.get(i);
        insert.setLong(p++, firstId + i);
        insert.setBytes(p++, row.traceId());
        insert.setBytes(p++, row.spanId());
        insert.setString(p++, row.service());
        insert.setLong(p++, row.startMicros());
        insert.setLong(p++, row.durationMicros());
        if (row.httpStatus() == null) insert.setNull(p++, Types.INTEGER);
        else insert.setInt(p++, row.httpStatus());
        insert.setInt(p++, row.error() ? 1 : 0);
        insert.setBytes(p++, row.body());
        if (row.resource() == null) {
          insert.setNull(p++, Types.INTEGER);
        } else {
          long resourceId = resourceId(row.resource());
          insert.setLong(p++, resourceId);
          lastStartByResource.merge(resourceId, row.startMicros(), Math::max);
        }
      }
      // RETURNING names the rows actually inserted: a repeated span is ignored and gets no text.
      List<Long> inserted = new ArrayList<>(chunk.size());
      try (ResultSet r = insert.executeQuery()) {
        while (r.next()) inserted.add(r.getLong(1));
      }
      if (inserted.isEmpty()) continue;
      PreparedStatement text = statement(insertSpanTexts, inserted.size(), INSERT_SPAN_TEXT, "(?, ?)", "");
      p = 1;
      for (long id : inserted) {
        SpanRow row = chunk.get((int) (id - firstId));
        text.setLong(p++, id);
        text.setString(p++, row.text());
        if (knownServices.add(row.service())) {
          insertService.setString(1, row.service());
          insertService.executeUpdate();
        }
      }
      text.executeUpdate();
    }
    for (Map.Entry<Long, Long> e : lastStartByResource.entrySet()) {
      touchResource.setLong(1, e.getValue());
      touchResource.setLong(2, e.getKey());
      touchResource.executeUpdate();
    }
  }

  /** The id of the resource's row, inserted when it is new. */
  private long resourceId(SpanRow.Resource resource) throws SQLException {
    Long known = knownResources.get(resource);
    if (known != null) return known;
    long id;
    selectResource.setBytes(1, resource.body());
    try (ResultSet r = selectResource.executeQuery()) {
      if (r.next()) {
        id = r.getLong(1);
      } else {
        insertResource.setBytes(1, resource.body());
        try (ResultSet k = insertResource.executeQuery()) {
          k.next();
          id = k.getLong(1);
        }
      }
    }
    // A client that varies its resource with every request would grow this without bound.
    if (knownResources.size() >= MAX_KNOWN_RESOURCES) knownResources.clear();
    knownResources.put(resource, id);
    return id;
  }

  private PreparedStatement statement(
      Map<Integer, PreparedStatement> cache, int rows, String head, String values, String tail)
      throws SQLException {
    PreparedStatement p = cache.get(rows);
    if (p == null) {
      StringBuilder sql = new StringBuilder(head);
      for (int i = 0; i < rows; i++) sql.append(i == 0 ? " " : ", ").append(values);
      sql.append(tail);
      p = connection.prepareStatement(sql.toString());
      cache.put(rows, p);
    }
    return p;
  }

  /** Stores a batch unless its (session, sequence) is stored already, then its chapters and session. */
  void insertReplay(ReplayBatch batch) throws SQLException {
    insertBatch.setString(1, batch.sessionId());
    insertBatch.setLong(2, batch.sequence());
    insertBatch.setLong(3, batch.firstEventMicros());
    insertBatch.setLong(4, batch.lastEventMicros());
    insertBatch.setInt(5, batch.eventCount());
    insertBatch.setInt(6, batch.errorCount());
    insertBatch.setString(7, batch.fullSnapshotMicros().stream().map(String::valueOf).collect(Collectors.joining(",")));
    insertBatch.setBytes(8, batch.events());
    if (insertBatch.executeUpdate() == 0) return;
    for (Chapter c : batch.chapters()) upsertChapter(c, batch.sequence());
    upsertSession(batch);
  }

  private void upsertChapter(Chapter incoming, long reportSeq) throws SQLException {
    Chapter merged = incoming;
    long seq = reportSeq;
    selectChapter.setString(1, incoming.chapterId());
    try (ResultSet r = selectChapter.executeQuery()) {
      if (r.next()) {
        Chapter stored = ChapterColumns.read(r);
        // A chapter belongs to the session that reported it first: a batch of another session
        // naming the same chapter id (forged, since ids are random) must not move or alter it.
        if (!stored.sessionId().equals(incoming.sessionId())) return;
        long storedSeq = r.getLong(12);
        merged = reportSeq >= storedSeq ? stored.mergedWith(incoming) : incoming.mergedWith(stored);
        seq = Math.max(reportSeq, storedSeq);
      }
    }
    ChapterColumns.bind(upsertChapter, 1, merged);
    upsertChapter.setLong(12, seq);
    upsertChapter.executeUpdate();
  }

  private void upsertSession(ReplayBatch batch) throws SQLException {
    SessionInfo info = batch.session();
    long seq = batch.sequence();
    selectSession.setString(1, batch.sessionId());
    long id;
    String[] text;
    try (ResultSet r = selectSession.executeQuery()) {
      if (!r.next()) {
        insertSession.setString(1, batch.sessionId());
        insertSession.setLong(2, batch.firstEventMicros());
        insertSession.setLong(3, batch.lastEventMicros());
        String[] values = {info.service(), info.userAgent(), info.entryUrl(), info.userId(), info.userEmail()};
        for (int i = 0; i < values.length; i++) {
          insertSession.setString(4 + 2 * i, values[i]);
          ChapterColumns.setNullable(insertSession, 5 + 2 * i, values[i] == null ? null : seq);
        }
        insertSession.setLong(14, batch.eventCount());
        insertSession.setLong(15, batch.errorCount());
        try (ResultSet k = insertSession.executeQuery()) {
          k.next();
          id = k.getLong(1);
        }
        text = new String[] {info.userId(), info.userEmail(), info.entryUrl()};
      } else {
        id = r.getLong(1);
        updateSession.setLong(1, Math.min(r.getLong(2), batch.firstEventMicros()));
        updateSession.setLong(2, Math.max(r.getLong(3), batch.lastEventMicros()));
        // Agent details: the earliest batch's value wins; user details: the latest batch's.
        String[] merged = new String[5];
        String[] incoming = {info.service(), info.userAgent(), info.entryUrl(), info.userId(), info.userEmail()};
        for (int i = 0; i < 5; i++) {
          String stored = r.getString(4 + 2 * i);
          Long storedSeq = ChapterColumns.nullableLong(r, 5 + 2 * i);
          boolean earliestWins = i < 3;
          boolean take =
              incoming[i] != null
                  && (stored == null || (earliestWins ? seq < storedSeq : seq > storedSeq));
          merged[i] = take ? incoming[i] : stored;
          updateSession.setString(3 + 2 * i, merged[i]);
          ChapterColumns.setNullable(updateSession, 4 + 2 * i, take ? Long.valueOf(seq) : storedSeq);
        }
        updateSession.setLong(13, batch.eventCount());
        updateSession.setLong(14, batch.errorCount());
        updateSession.setLong(15, id);
        updateSession.executeUpdate();
        deleteSessionText.setLong(1, id);
        deleteSessionText.executeUpdate();
        text = new String[] {merged[3], merged[4], merged[2]};
      }
    }
    insertSessionText.setLong(1, id);
    insertSessionText.setString(2, String.join("\n", java.util.Arrays.stream(text).map(t -> t == null ? "" : t).toList()));
    insertSessionText.executeUpdate();
  }

  /**
   * Deletes up to {@code limit} spans started before the time, with their text; returns how many.
   * When that leaves none, it also deletes the resources whose spans all started before the time,
   * in the same transaction, so that no span written meanwhile can name a deleted resource.
   */
  long deleteSpansBefore(long micros, int limit) throws SQLException {
    try (PreparedStatement ids =
            connection.prepareStatement(
                "SELECT id FROM spans WHERE start_us < ? ORDER BY start_us LIMIT ?");
        PreparedStatement text = connection.prepareStatement("DELETE FROM span_text WHERE rowid = ?");
        PreparedStatement span = connection.prepareStatement("DELETE FROM spans WHERE id = ?")) {
      ids.setLong(1, micros);
      ids.setInt(2, limit);
      long deleted = 0;
      try (ResultSet r = ids.executeQuery()) {
        while (r.next()) {
          long id = r.getLong(1);
          text.setLong(1, id);
          text.executeUpdate();
          span.setLong(1, id);
          deleted += span.executeUpdate();
        }
      }
      if (deleted < limit) {
        deleteResourcesBefore(micros);
        deleteServicesWithoutSpans();
      }
      return deleted;
    }
  }

  /**
   * Deletes resources no stored span names: each one's spans all started before the time, and
   * those were deleted. The resource with the highest id stays, whatever its age: SQLite gives a new
   * row the highest id plus one, so keeping it means an id is never given to a second resource,
   * and the readers' {@link ResourceCache} can never hold an old resource under a new one's id.
   */
  private void deleteResourcesBefore(long micros) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement(
        "DELETE FROM resources WHERE last_start_us < ? AND id < (SELECT max(id) FROM resources)")) {
      delete.setLong(1, micros);
      if (delete.executeUpdate() > 0) knownResources.clear();
    }
  }

  /**
   * Forgets the names of services that have no span left, so that the service list shows what can
   * still be found (a renamed or retired service leaves with its last span, as its TTL makes it
   * leave the Cassandra store). One lookup in {@code spans_by_service_start} per name.
   */
  private void deleteServicesWithoutSpans() throws SQLException {
    try (Statement delete = connection.createStatement()) {
      int forgotten = delete.executeUpdate(
          "DELETE FROM services WHERE NOT EXISTS (SELECT 1 FROM spans WHERE spans.service = services.name)");
      if (forgotten > 0) knownServices.clear();
    }
  }

  /** Deletes replay batches, chapters and sessions that ended before the time. */
  void deleteReplayBefore(long micros) throws SQLException {
    try (PreparedStatement batches = connection.prepareStatement("DELETE FROM replay_batches WHERE last_event_us < ?");
        PreparedStatement chapters = connection.prepareStatement("DELETE FROM chapters WHERE first_event_us < ?");
        PreparedStatement text =
            connection.prepareStatement(
                "DELETE FROM session_text WHERE rowid IN (SELECT id FROM sessions WHERE last_seen_us < ?)");
        PreparedStatement sessions = connection.prepareStatement("DELETE FROM sessions WHERE last_seen_us < ?")) {
      for (PreparedStatement p : List.of(batches, chapters, text, sessions)) {
        p.setLong(1, micros);
        p.executeUpdate();
      }
    }
  }

  /** Returns the pages freed by deletes to the file system (auto_vacuum = INCREMENTAL). */
  void reclaimFreePages() throws SQLException {
    // The pragma frees one page per step. executeUpdate runs it through sqlite3_exec, which steps
    // it to the end; execute() would step it once and free a single page.
    try (Statement s = connection.createStatement()) {
      s.executeUpdate("PRAGMA incremental_vacuum");
    }
  }

  /**
   * Writes 64 KB and deletes it again, so that committing proves a write fits on the disk (see
   * {@link GroupCommitWriter}, the full disk).
   */
  void probeRoom() throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.executeUpdate("INSERT INTO write_probe VALUES (zeroblob(65536))");
      s.executeUpdate("DELETE FROM write_probe");
    }
  }

  /**
   * Lets the database grow by at most {@code pages} more pages; past that SQLite fails writes with
   * SQLITE_FULL, exactly as on a full disk. Tests use it to fill the disk without filling a disk.
   */
  void capGrowth(long pages) throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet count = s.executeQuery("PRAGMA page_count")) {
      count.next();
      long cap = count.getLong(1) + pages;
      try (Statement set = connection.createStatement()) {
        set.executeQuery("PRAGMA max_page_count = " + cap).close();
      }
    }
  }

  /**
   * After a rollback, in-memory knowledge of what the transaction wrote is no longer true, and the
   * driver may have closed the statement that failed (a full disk does that): every statement is
   * prepared again, so that the next transaction does not fail on it.
   */
  void afterRollback() throws SQLException {
    knownServices.clear();
    knownResources.clear();
    closeStatements();
    insertSpans.clear();
    insertSpanTexts.clear();
    prepare();
  }

  @Override
  public void close() throws SQLException {
    closeStatements();
  }

  private void closeStatements() throws SQLException {
    for (PreparedStatement p : insertSpans.values()) p.close();
    for (PreparedStatement p : insertSpanTexts.values()) p.close();
    for (PreparedStatement p :
        List.of(insertService, selectResource, insertResource, touchResource, insertBatch, selectChapter, upsertChapter,
            selectSession, insertSession, updateSession, deleteSessionText, insertSessionText)) {
      p.close();
    }
  }
}
