package dev.retrospect.store.embedded;

import dev.retrospect.core.Chapter;
import dev.retrospect.core.Ids;
import dev.retrospect.core.Page;
import dev.retrospect.core.ReplayBatch;
import dev.retrospect.core.SearchText;
import dev.retrospect.core.Session;
import dev.retrospect.core.SessionInfo;
import dev.retrospect.core.SessionQuery;
import dev.retrospect.core.Span;
import dev.retrospect.core.SpanQuery;
import dev.retrospect.core.Storage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.logging.Logger;

/**
 * The embedded store: one SQLite database in WAL mode inside a data directory. Writes go through
 * one writer thread with group commit ({@link GroupCommitWriter}); reads use a pool of separate
 * connections. See RATIONALE.md for the schema, durability and search decisions.
 */
public final class SqliteStorage implements Storage {

  /** Items (spans, replay batches) that may wait for the writer before writes are refused. */
  public static final int DEFAULT_QUEUE_CAPACITY = 20_000;

  static final String FILE_NAME = "retrospect.db";
  private static final int READERS = 4;
  private static final int PURGE_CHUNK = 10_000;
  /** Rows a walk through spans in order reads before it asks the text index instead (~0.1 s). */
  static final int WALK_BUDGET = 10_000;
  /** Tries of the WAL truncation after a purge, 50 ms apart. */
  private static final int CHECKPOINT_ATTEMPTS = 100;
  private static final Logger LOG = Logger.getLogger(SqliteStorage.class.getName());
  private static final String SESSION_SELECT =
      "SELECT s.session_id, s.first_seen_us, s.last_seen_us, s.service, s.user_agent, s.entry_url,"
          + " s.user_id, s.user_email,"
          + " (SELECT count(*) FROM chapters c WHERE c.session_id = s.session_id),"
          + " s.event_count, s.error_count FROM sessions s";

  private final Path file;
  private final Connection writerConnection;
  private final WriteTransaction writeTransaction;
  private final GroupCommitWriter writer;
  private final WalCheckpointer checkpointer;
  private final ReadConnections readers;
  private final ResourceCache resources = new ResourceCache();
  private final List<Integer> migrationsApplied;

  private SqliteStorage(Path dataDirectory, int queueCapacity) throws SQLException {
    try {
      Files.createDirectories(dataDirectory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create data directory " + dataDirectory, e);
    }
    file = dataDirectory.resolve(FILE_NAME);
    writerConnection = connect();
    try (Statement s = writerConnection.createStatement()) {
      // Must precede the first table; on an existing database it changes nothing.
      s.execute("PRAGMA auto_vacuum = INCREMENTAL");
      s.execute("PRAGMA journal_mode = WAL");
      // NORMAL: a commit writes the WAL without waiting for the disk; GroupCommitWriter fsyncs
      // the WAL itself before acknowledging, pipelined with the next group (RATIONALE.md).
      s.execute("PRAGMA synchronous = NORMAL");
      s.execute("PRAGMA cache_size = -65536");
      // WalCheckpointer checkpoints on its own thread instead.
      s.execute("PRAGMA wal_autocheckpoint = 0");
      s.execute("PRAGMA journal_size_limit = 67108864");
    }
    migrationsApplied = Migrations.apply(writerConnection, file);
    writeTransaction = new WriteTransaction(writerConnection);
    try {
      writer = new GroupCommitWriter(writerConnection, writeTransaction, file, queueCapacity);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the WAL of " + file, e);
    }
    checkpointer = new WalCheckpointer(connect());
    List<Connection> readConnections = new ArrayList<>();
    for (int i = 0; i < READERS; i++) {
      Connection c = connect();
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA cache_size = -16384");
        s.execute("PRAGMA query_only = 1");
      }
      readConnections.add(c);
    }
    readers = new ReadConnections(readConnections);
  }

  /** Opens (creating if needed) the store in the directory, with the default queue capacity. */
  public static SqliteStorage open(Path dataDirectory) {
    return open(dataDirectory, DEFAULT_QUEUE_CAPACITY);
  }

  /** Opens the store; {@code queueCapacity} bounds the items waiting for the writer. */
  public static SqliteStorage open(Path dataDirectory, int queueCapacity) {
    try {
      return new SqliteStorage(dataDirectory, queueCapacity);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open SQLite store in " + dataDirectory + ": " + e.getMessage(), e);
    }
  }

  /** The database file. */
  public Path file() {
    return file;
  }

  /** Schema versions this instance applied when it opened (empty when already current). */
  public List<Integer> migrationsApplied() {
    return migrationsApplied;
  }

  private Connection connect() throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout = 30000");
      s.execute("PRAGMA temp_store = MEMORY");
    }
    return c;
  }

  @Override
  public CompletableFuture<Void> writeSpans(List<Span> spans) {
    if (spans.isEmpty()) return CompletableFuture.completedFuture(null);
    List<SpanRow> rows = SpanRow.of(spans);
    return writer.submit(new GroupCommitWriter.Write(rows.size(), tx -> tx.insertSpans(rows)));
  }

  @Override
  public CompletableFuture<Void> writeReplay(ReplayBatch batch) {
    return writer.submit(new GroupCommitWriter.Write(1, tx -> tx.insertReplay(batch)));
  }

  @Override
  public Page<Span> searchSpans(SpanQuery query) {
    List<String> words = query.text() == null ? List.of() : SearchText.words(query.text());
    if (query.text() != null && words.isEmpty()) return new Page<>(List.of(), null);
    return readers.read(
        r -> {
          List<Span> spans;
          if (words.isEmpty()) {
            spans = rows(r, SpanSearchSql.of(query, null, true), List.of(), query.limit() + 1, Long.MAX_VALUE).spans();
          } else {
            TextMatch.Narrowed text = TextMatch.narrowest(
                r, "span_text", "span_terms", words, TextMatch.commonAt(spanCount(r), query.limit()));
            spans = text.common() ? walkInOrder(r, query, words, text.match()) : matches(r, query, text);
          }
          String next = null;
          if (spans.size() > query.limit()) {
            spans = spans.subList(0, query.limit());
            next = SpanSearchSql.cursorAfter(spans.get(spans.size() - 1), query.sort());
          }
          return new Page<>(link(r, spans), next);
        });
  }

  /** Up to limit + 1 spans the text index returns for the query, checked for the words it left out. */
  private List<Span> matches(ReadConnections.Reader r, SpanQuery query, TextMatch.Narrowed text)
      throws SQLException {
    SpanSearchSql search = SpanSearchSql.of(query, text.match(), text.check().isEmpty());
    return rows(r, search, text.check(), query.limit() + 1, Long.MAX_VALUE).spans();
  }

  /**
   * Words so common that most spans have them: reads spans in the page's order and checks the words
   * on each, which fills a page after a few rows instead of sorting every match. If matches turn out
   * rare in that order (the words are common, but mostly among other spans than the newest), it
   * stops after {@link #WALK_BUDGET} rows and asks the index for the rest of the page, from there.
   */
  private List<Span> walkInOrder(
      ReadConnections.Reader r, SpanQuery query, List<String> words, String match) throws SQLException {
    Rows walked = rows(r, SpanSearchSql.of(query, null, false), words, query.limit() + 1, WALK_BUDGET);
    if (walked.spans().size() > query.limit() || walked.exhausted()) return walked.spans();
    SpanQuery rest = query
        .withCursor(SpanSearchSql.cursorAfter(walked.last(), query.sort()))
        .withLimit(query.limit() - walked.spans().size());
    List<Span> spans = new ArrayList<>(walked.spans());
    spans.addAll(matches(r, rest, new TextMatch.Narrowed(match, List.of(), false)));
    return spans;
  }

  /**
   * Reads the search's rows until {@code wanted} spans passed the check, {@code budget} rows were
   * read or none is left.
   */
  private Rows rows(
      ReadConnections.Reader r, SpanSearchSql search, List<String> check, int wanted, long budget)
      throws SQLException {
    PreparedStatement p = r.prepare(search.sql());
    for (int i = 0; i < search.parameters().size(); i++) p.setObject(i + 1, search.parameters().get(i));
    List<Span> spans = new ArrayList<>();
    Span last = null;
    long read = 0;
    try (ResultSet rs = p.executeQuery()) {
      while (spans.size() < wanted && read < budget) {
        if (!rs.next()) return new Rows(spans, last, true);
        read++;
        last = span(r, rs);
        if (check.isEmpty() || SearchText.matches(check, last)) spans.add(last);
      }
    }
    return new Rows(spans, last, false);
  }

  /** The span of a row whose first columns are {@code body, resource_id}. */
  private Span span(ReadConnections.Reader r, ResultSet rs) throws SQLException {
    return SpanCodec.decode(rs.getBytes(1), rs.getLong(2), id -> resources.byId(r, id));
  }

  /** Rows read: the spans that passed, the last row read, and whether the rows ran out. */
  private record Rows(List<Span> spans, Span last, boolean exhausted) {}

  /** About how many spans the store holds: span ids are given out in order (two index lookups). */
  private static long spanCount(ReadConnections.Reader r) throws SQLException {
    try (ResultSet rs = r.prepare("SELECT coalesce((SELECT max(id) FROM spans) - (SELECT min(id) FROM spans) + 1, 0)").executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  @Override
  public List<Span> trace(String traceId) {
    byte[] id = SpanRow.HEX.parseHex(Ids.traceId(traceId));
    return readers.read(
        r -> {
          PreparedStatement p = r.prepare("SELECT body, resource_id FROM spans WHERE trace_id = ?");
          p.setBytes(1, id);
          List<Span> spans = new ArrayList<>();
          try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) spans.add(span(r, rs));
          }
          spans.sort(Comparator.comparingLong(Span::startMicros));
          return link(r, spans);
        });
  }

  @Override
  public long traceBytes(String traceId) {
    byte[] id = SpanRow.HEX.parseHex(Ids.traceId(traceId));
    return readers.read(
        r -> {
          // length() of a blob comes from its record header: SQLite does not load the blob for it.
          PreparedStatement p = r.prepare(
              "SELECT coalesce(sum(length(s.body) + coalesce(length(res.body), 0)), 0)"
                  + " FROM spans s LEFT JOIN resources res ON res.id = s.resource_id WHERE s.trace_id = ?");
          p.setBytes(1, id);
          try (ResultSet rs = p.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0L;
          }
        });
  }

  /**
   * Joins spans to chapters at read time (see LinkingContract): fields a span carries itself are
   * kept; missing ones come from its trace's chapter when that chapter agrees with them.
   */
  private List<Span> link(ReadConnections.Reader r, List<Span> spans) throws SQLException {
    Map<String, Optional<Chapter>> chapterByTrace = new HashMap<>();
    List<Span> linked = new ArrayList<>(spans.size());
    for (Span s : spans) {
      if (s.sessionId() != null && s.chapterId() != null) {
        linked.add(s);
        continue;
      }
      Optional<Chapter> chapter = chapterByTrace.get(s.traceId());
      if (chapter == null) {
        chapter = chapterOfTrace(r, s.traceId());
        chapterByTrace.put(s.traceId(), chapter);
      }
      Chapter c = chapter.orElse(null);
      boolean agrees =
          c != null
              && (s.sessionId() == null || s.sessionId().equals(c.sessionId()))
              && (s.chapterId() == null || s.chapterId().equals(c.chapterId()));
      linked.add(agrees ? s.withLink(c.sessionId(), c.chapterId()) : s);
    }
    return linked;
  }

  @Override
  public List<String> services(int limit) {
    return readers.read(
        r -> {
          List<String> names = new ArrayList<>();
          PreparedStatement p = r.prepare("SELECT name FROM services ORDER BY name LIMIT ?");
          p.setInt(1, limit);
          try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) names.add(rs.getString(1));
          }
          return names;
        });
  }

  @Override
  public Optional<Chapter> chapter(String chapterId) {
    String id = Ids.chapterId(chapterId);
    return readers.read(
        r -> {
          PreparedStatement p = r.prepare("SELECT " + ChapterColumns.SELECT + " FROM chapters WHERE chapter_id = ?");
          p.setString(1, id);
          return firstChapter(p);
        });
  }

  @Override
  public Optional<Chapter> chapterOfTrace(String traceId) {
    String id = Ids.traceId(traceId);
    return readers.read(r -> chapterOfTrace(r, id));
  }

  private static Optional<Chapter> chapterOfTrace(ReadConnections.Reader r, String traceId) throws SQLException {
    PreparedStatement p =
        r.prepare(
            "SELECT " + ChapterColumns.SELECT + " FROM chapters WHERE trace_id = ?"
                + " ORDER BY first_event_us, chapter_id LIMIT 1");
    p.setBytes(1, SpanRow.HEX.parseHex(traceId));
    return firstChapter(p);
  }

  private static Optional<Chapter> firstChapter(PreparedStatement p) throws SQLException {
    try (ResultSet rs = p.executeQuery()) {
      return rs.next() ? Optional.of(ChapterColumns.read(rs)) : Optional.empty();
    }
  }

  @Override
  public Optional<Session> session(String sessionId) {
    String id = Ids.sessionId(sessionId);
    return readers.read(
        r -> {
          PreparedStatement p = r.prepare(SESSION_SELECT + " WHERE s.session_id = ?");
          p.setString(1, id);
          try (ResultSet rs = p.executeQuery()) {
            return rs.next() ? Optional.of(readSession(rs)) : Optional.empty();
          }
        });
  }

  private static Session readSession(ResultSet rs) throws SQLException {
    return new Session(
        rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5),
        rs.getString(6), rs.getString(7), rs.getString(8), rs.getInt(9), rs.getLong(10), rs.getLong(11));
  }

  @Override
  public List<Chapter> chapters(String sessionId) {
    String id = Ids.sessionId(sessionId);
    return readers.read(
        r -> {
          PreparedStatement p =
              r.prepare("SELECT " + ChapterColumns.SELECT + " FROM chapters WHERE session_id = ? ORDER BY sequence, chapter_id");
          p.setString(1, id);
          List<Chapter> chapters = new ArrayList<>();
          try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) chapters.add(ChapterColumns.read(rs));
          }
          return chapters;
        });
  }

  @Override
  public Page<Session> searchSessions(SessionQuery query) {
    List<String> words = query.text() == null ? List.of() : SearchText.words(query.text());
    if (query.text() != null && words.isEmpty()) return new Page<>(List.of(), null);
    StringBuilder sql = new StringBuilder(SESSION_SELECT);
    List<String> where = new ArrayList<>();
    List<Object> params = new ArrayList<>();
    if (!words.isEmpty()) {
      where.add("s.id IN (SELECT rowid FROM session_text WHERE session_text MATCH ?)");
    }
    if (query.fromMicros() != null) {
      where.add("s.last_seen_us >= ?");
      params.add(query.fromMicros());
    }
    if (query.toMicros() != null) {
      where.add("s.first_seen_us < ?");
      params.add(query.toMicros());
    }
    if (query.errorsOnly()) where.add("s.error_count > 0");
    if (query.cursor() != null) {
      SessionCursor c = SessionCursor.decode(query.cursor());
      where.add("(s.last_seen_us, s.session_id) < (?, ?)");
      params.add(c.lastSeenMicros());
      params.add(c.sessionId());
    }
    if (!where.isEmpty()) sql.append(" WHERE ").append(String.join(" AND ", where));
    sql.append(" ORDER BY s.last_seen_us DESC, s.session_id DESC LIMIT ?");
    params.add(query.limit() + 1);
    return readers.read(
        r -> {
          List<Object> bound = new ArrayList<>(params);
          if (!words.isEmpty()) {
            bound.add(0, TextMatch.expression(r, "session_terms", words));
          }
          PreparedStatement p = r.prepare(sql.toString());
          for (int i = 0; i < bound.size(); i++) p.setObject(i + 1, bound.get(i));
          List<Session> sessions = new ArrayList<>();
          try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) sessions.add(readSession(rs));
          }
          if (sessions.size() <= query.limit()) return new Page<>(sessions, null);
          sessions = sessions.subList(0, query.limit());
          Session last = sessions.get(sessions.size() - 1);
          return new Page<>(sessions, new SessionCursor(last.lastSeenMicros(), last.sessionId()).encode());
        });
  }

  @Override
  public List<ReplayBatch> replay(String sessionId, long fromMicros, long toMicros) {
    String id = Ids.sessionId(sessionId);
    return readers.read(
        r -> {
          PreparedStatement events =
              r.prepare("SELECT events FROM replay_batches WHERE session_id = ? AND sequence = ?");
          List<ReplayBatch> result = new ArrayList<>();
          for (ReplayBatch b : ReplayWindow.select(batchSummaries(r, id, null), fromMicros, toMicros)) {
            events.setString(1, id);
            events.setLong(2, b.sequence());
            try (ResultSet rs = events.executeQuery()) {
              if (!rs.next()) continue;
              result.add(new ReplayBatch(id, b.sequence(), b.firstEventMicros(), b.lastEventMicros(),
                  b.eventCount(), b.errorCount(), b.fullSnapshotMicros(), List.of(), SessionInfo.EMPTY,
                  rs.getBytes(1)));
            }
          }
          return result;
        });
  }

  @Override
  public long replayBytes(String sessionId, long fromMicros, long toMicros) {
    String id = Ids.sessionId(sessionId);
    return readers.read(
        r -> {
          Map<Long, Long> bytes = new HashMap<>();
          long total = 0;
          for (ReplayBatch b : ReplayWindow.select(batchSummaries(r, id, bytes), fromMicros, toMicros)) {
            total += bytes.get(b.sequence());
          }
          return total;
        });
  }

  /**
   * The session's batches without their events, ordered by first event time then sequence; when
   * {@code eventsBytes} is given, it gets the size of each batch's events by sequence.
   */
  private static List<ReplayBatch> batchSummaries(ReadConnections.Reader r, String sessionId, Map<Long, Long> eventsBytes)
      throws SQLException {
    PreparedStatement meta =
        r.prepare(
            "SELECT sequence, first_event_us, last_event_us, event_count, error_count, full_snapshots, length(events)"
                + " FROM replay_batches WHERE session_id = ? ORDER BY first_event_us, sequence");
    meta.setString(1, sessionId);
    List<ReplayBatch> all = new ArrayList<>();
    try (ResultSet rs = meta.executeQuery()) {
      while (rs.next()) {
        String snapshots = rs.getString(6);
        List<Long> times =
            snapshots.isEmpty() ? List.of() : Arrays.stream(snapshots.split(",")).map(Long::valueOf).toList();
        all.add(new ReplayBatch(sessionId, rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getInt(4),
            rs.getInt(5), times, List.of(), SessionInfo.EMPTY, new byte[0]));
        if (eventsBytes != null) eventsBytes.put(rs.getLong(1), rs.getLong(7));
      }
    }
    return all;
  }

  @Override
  public long purgeBefore(long micros) {
    long deleted = 0;
    while (true) {
      long[] chunk = new long[1];
      await(writer.submitMaintenance(new GroupCommitWriter.Write(1, tx -> chunk[0] = tx.deleteSpansBefore(micros, PURGE_CHUNK))));
      deleted += chunk[0];
      if (chunk[0] < PURGE_CHUNK) break;
    }
    await(writer.submitMaintenance(new GroupCommitWriter.Write(1, tx -> tx.deleteReplayBefore(micros))));
    await(writer.submitMaintenance(new GroupCommitWriter.Write(1, WriteTransaction::reclaimFreePages)));
    truncateWal();
    return deleted;
  }

  /** See {@link WriteTransaction#capGrowth}; for tests of a full disk. */
  void capGrowth(long pages) {
    await(writer.submitMaintenance(new GroupCommitWriter.Write(1, tx -> tx.capGrowth(pages))));
  }

  /**
   * The file shrinks only once the WAL holding the vacuumed pages is checkpointed. A TRUNCATE
   * checkpoint gives up at once (busy = 1) while a reader is still on an older snapshot or the
   * writer is committing, so it is retried for a while rather than leaving the WAL at full size.
   */
  private void truncateWal() {
    for (int attempt = 0; attempt < CHECKPOINT_ATTEMPTS; attempt++) {
      boolean busy = readers.read(
          r -> {
            try (ResultSet rs = r.prepare("PRAGMA wal_checkpoint(TRUNCATE)").executeQuery()) {
              return rs.next() && rs.getInt(1) != 0;
            }
          });
      if (!busy) return;
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    LOG.warning("retention: the WAL could not be truncated (readers busy); it shrinks at the next purge");
  }

  private static void await(CompletableFuture<Void> f) {
    try {
      f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException re) throw re;
      throw new IllegalStateException(e.getCause());
    }
  }

  @Override
  public int pendingWrites() {
    return writer.pending();
  }

  @Override
  public void check() {
    if (!writer.isAlive()) throw new IllegalStateException("SQLite writer thread is not running");
    String diskFull = writer.diskFull();
    if (diskFull != null) throw new IllegalStateException(diskFull);
    readers.read(
        r -> {
          try (ResultSet rs = r.prepare("SELECT 1 FROM schema_version LIMIT 1").executeQuery()) {
            return rs.next();
          }
        });
  }

  /** Commits everything queued, then closes the connections. */
  @Override
  public void close() {
    writer.close();
    checkpointer.close();
    try {
      writeTransaction.close();
      writerConnection.close();
      readers.close();
    } catch (SQLException e) {
      throw new IllegalStateException("closing SQLite store: " + e.getMessage(), e);
    }
  }
}
