package dev.retrospect.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import dev.retrospect.core.AttributeValue;
import dev.retrospect.core.Chapter;
import dev.retrospect.core.Ids;
import dev.retrospect.core.Page;
import dev.retrospect.core.ReplayBatch;
import dev.retrospect.core.Session;
import dev.retrospect.core.SessionInfo;
import dev.retrospect.core.SessionQuery;
import dev.retrospect.core.Span;
import dev.retrospect.core.SpanQuery;
import dev.retrospect.core.Storage;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The storage SPI on Apache Cassandra 5.0: tables shaped per query, every write a set of
 * idempotent single-partition statements with a TTL, nothing computed by a background job. See
 * RATIONALE.md beside this module for the schema and the reasons behind it.
 */
public final class CassandraStorage implements Storage {
  /** Statements sent to Cassandra at once; more wait in {@link BoundedWriter}. */
  private static final int MAX_IN_FLIGHT_STATEMENTS = 256;
  /** Rows that say which hours, days and services have data are rewritten this often at most. */
  private static final long MARKER_REFRESH_MILLIS = 3_600_000;
  /** Rows per page when rows written before version 6 are measured (see {@link #traceBytes}). */
  private static final int MEASURED_PAGE_ROWS = 100;

  private final CqlSession session;
  private final String keyspace;
  private final int ttlSeconds;
  private final int markerTtlSeconds;
  private final int ownerTtlSeconds;
  private final BoundedWriter writer;
  private final Map<String, Long> markersWritten = new ConcurrentHashMap<>();
  /** Which layout each hour's spans and each day's words go to. */
  private final CoarseFirst hours;
  private final CoarseFirst days;
  private final SpanSearch spanSearch;
  private final SessionSearch sessionSearch;
  private final PurgeBefore purge;
  private final Resources resources;

  private final PreparedStatement insertSpan;
  private final Map<TimeBucket.Table, PreparedStatement> insertSpanIndex = new EnumMap<>(TimeBucket.Table.class);
  private final Map<TimeBucket.Table, PreparedStatement> insertToken = new EnumMap<>(TimeBucket.Table.class);
  private final PreparedStatement insertBucket;
  private final PreparedStatement insertService;
  private final PreparedStatement insertBatch;
  private final PreparedStatement insertSessionDay;
  private final PreparedStatement insertChapterBySession;
  private final PreparedStatement insertChapterReport;
  private final PreparedStatement insertChapterByTrace;
  private final PreparedStatement selectChapterOwner;
  private final PreparedStatement claimChapter;
  private final PreparedStatement selectTrace;
  private final PreparedStatement selectTraceSizes;
  private final PreparedStatement selectTraceToMeasure;
  private final PreparedStatement selectServices;
  private final PreparedStatement selectChapterReports;
  private final PreparedStatement selectChaptersOfSession;
  private final PreparedStatement selectChapterIdsOfSession;
  private final PreparedStatement selectChapterOfTrace;
  private final PreparedStatement selectBatchSummaries;
  private final PreparedStatement selectBatch;
  private final PreparedStatement selectSchemaVersion;
  private final PreparedStatement selectBuckets;
  private final PreparedStatement selectBucketRange;

  private CassandraStorage(CqlSession session, CassandraConfig config) {
    this.session = session;
    this.hours = new CoarseFirst(config.coarseLimits().spansPerHour());
    this.days = new CoarseFirst(config.coarseLimits().traceSecondsPerDay());
    this.keyspace = config.keyspace();
    this.ttlSeconds = Math.toIntExact(Duration.ofDays(config.retentionDays()).toSeconds());
    // A marker expires two refresh periods before the data of its hour or day would: searches and
    // purges then never visit a partition whose rows have expired (reading expired rows means
    // reading tombstones, which Cassandra caps per query), at the price of the oldest hour or two
    // of the retention period dropping out of search a little early.
    this.markerTtlSeconds = ttlSeconds - 2 * (int) (MARKER_REFRESH_MILLIS / 1000);
    // An owner outlives the reports it guards: they are written over the hours of one session.
    this.ownerTtlSeconds = ttlSeconds + (int) Duration.ofDays(1).toSeconds();
    this.writer = new BoundedWriter(session, config.maxPendingWrites(), MAX_IN_FLIGHT_STATEMENTS);

    insertSpan = prepare("INSERT INTO {ks}.spans (trace_id, span_id, start_micros, span, span_bytes)"
        + " VALUES (?, ?, ?, ?, ?) USING TTL ?");
    for (TimeBucket.Table spans : TimeBucket.SPAN_TABLES) {
      insertSpanIndex.put(spans, prepare("INSERT INTO {ks}." + spans.name + " (" + spans.column + ", shard,"
          + " start_micros, trace_id, span_id, service, duration, http_status, error, span)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TTL ?"));
    }
    for (TimeBucket.Table words : TimeBucket.WORD_TABLES) {
      insertToken.put(words, prepare("INSERT INTO {ks}." + words.name + " (" + words.column + ", prefix, shard,"
          + " word, start_micros, trace_id, span_id) VALUES (?, ?, ?, ?, ?, ?, ?) USING TTL ?"));
    }
    insertBucket = prepare("INSERT INTO {ks}.buckets (kind, bucket) VALUES (?, ?) USING TTL ?");
    insertService = prepare("INSERT INTO {ks}.services (kind, service) VALUES ('all', ?) USING TTL ?");
    insertBatch = prepare("INSERT INTO {ks}.replay_batches (session_id, sequence, first_event_micros,"
        + " last_event_micros, event_count, error_count, full_snapshots, chapters, service, user_agent, entry_url,"
        + " user_id, user_email, events, events_bytes) VALUES (:session_id, :sequence, :first_event_micros,"
        + " :last_event_micros, :event_count, :error_count, :full_snapshots, :chapters, :service, :user_agent,"
        + " :entry_url, :user_id, :user_email, :events, :events_bytes) IF NOT EXISTS USING TTL :ttl");
    insertSessionDay = prepare("INSERT INTO {ks}.sessions_by_day (day, session_id) VALUES (?, ?) USING TTL ?");
    insertChapterBySession = prepare("INSERT INTO {ks}.chapters_by_session (session_id, chapter_sequence,"
        + " chapter_id, batch_sequence, chapter) VALUES (?, ?, ?, ?, ?) USING TTL ?");
    insertChapterReport = prepare("INSERT INTO {ks}.chapter_reports (chapter_id, batch_sequence, chapter)"
        + " VALUES (?, ?, ?) USING TTL ?");
    insertChapterByTrace = prepare("INSERT INTO {ks}.chapter_by_trace (trace_id, chapter_id) VALUES (?, ?) USING TTL ?");
    selectChapterOwner = prepare("SELECT session_id FROM {ks}.chapter_owners WHERE chapter_id = ?");
    claimChapter = prepare("INSERT INTO {ks}.chapter_owners (chapter_id, session_id) VALUES (?, ?)"
        + " IF NOT EXISTS USING TTL ?");
    selectTrace = prepare("SELECT span FROM {ks}.spans WHERE trace_id = ?");
    selectTraceSizes = prepare("SELECT span_bytes FROM {ks}.spans WHERE trace_id = ?");
    selectTraceToMeasure = prepare("SELECT span_bytes, span FROM {ks}.spans WHERE trace_id = ?");
    selectServices = prepare("SELECT service FROM {ks}.services WHERE kind = 'all' LIMIT ?");
    selectChapterReports = prepare("SELECT chapter FROM {ks}.chapter_reports WHERE chapter_id = ?");
    selectChaptersOfSession = prepare("SELECT chapter_id, chapter FROM {ks}.chapters_by_session WHERE session_id = ?");
    selectChapterIdsOfSession = prepare("SELECT chapter_id FROM {ks}.chapters_by_session WHERE session_id = ?");
    selectChapterOfTrace = prepare("SELECT chapter_id FROM {ks}.chapter_by_trace WHERE trace_id = ?");
    selectBatchSummaries = prepare("SELECT sequence, first_event_micros, last_event_micros, event_count,"
        + " error_count, full_snapshots, service, user_agent, entry_url, user_id, user_email, events_bytes"
        + " FROM {ks}.replay_batches WHERE session_id = ?");
    selectBatch = prepare("SELECT events FROM {ks}.replay_batches WHERE session_id = ? AND sequence = ?");
    selectBuckets = prepare("SELECT bucket FROM {ks}.buckets WHERE kind = ?");
    selectBucketRange = prepare("SELECT bucket FROM {ks}.buckets WHERE kind = ? AND bucket >= ? AND bucket <= ?");
    selectSchemaVersion = prepare("SELECT version FROM {ks}.schema_version WHERE id = 'retrospect'");

    this.resources = new Resources(this, ttlSeconds);
    this.spanSearch = new SpanSearch(this);
    this.sessionSearch = new SessionSearch(this);
    this.purge = new PurgeBefore(this);
  }

  /**
   * Connects to the cluster, creates or migrates the schema (or checks it when the config says
   * operators manage it) and prepares every statement.
   */
  public static CassandraStorage create(CassandraConfig config) {
    DriverConfigLoader loader = DriverConfigLoader.programmaticBuilder()
        .withString(DefaultDriverOption.REQUEST_CONSISTENCY, config.consistency().name())
        .withBoolean(DefaultDriverOption.REQUEST_DEFAULT_IDEMPOTENCE, true)
        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(12))
        .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(10))
        .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(30))
        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(30))
        .withStringList(DefaultDriverOption.METADATA_SCHEMA_REFRESHED_KEYSPACES, List.of(config.keyspace()))
        .build();
    CqlSessionBuilder builder = CqlSession.builder()
        .addContactPoints(config.contactPoints())
        .withLocalDatacenter(config.localDatacenter())
        .withConfigLoader(loader);
    if (config.username() != null) builder.withAuthCredentials(config.username(), config.password());
    CqlSession session = builder.build();
    try {
      if (config.manageSchema()) Schema.apply(session, config);
      else Schema.check(session, config.keyspace());
      return new CassandraStorage(session, config);
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }

  PreparedStatement prepare(String cql) {
    return session.prepare(cql.replace("{ks}", keyspace));
  }

  CqlSession session() {
    return session;
  }

  Resources resources() {
    return resources;
  }

  // ---- writes

  @Override
  public CompletableFuture<Void> writeSpans(List<Span> spans) {
    if (spans.isEmpty()) return CompletableFuture.completedFuture(null);
    Map<String, Span> unique = new LinkedHashMap<>();
    for (Span span : spans) unique.put(span.traceId() + span.spanId(), span);

    PartitionBatches rows = new PartitionBatches();
    List<Statement<?>> markerRows = new ArrayList<>();
    Set<String> markers = new HashSet<>();
    // The spans of one OTLP resource share one map instance: encode and hash each map once.
    Map<Map<String, AttributeValue>, Resources.Encoded> spanResources = new IdentityHashMap<>();
    for (Span span : unique.values()) {
      Map<String, AttributeValue> resource = span.resourceAttributes();
      Resources.Encoded named = resource.isEmpty() ? null : spanResources.computeIfAbsent(resource, Resources.Encoded::of);
      ByteBuffer blob = named == null ? BinaryCodec.encode(span) : BinaryCodec.encode(span, named.key());
      int size = blob.remaining();
      // What traceBytes counts for the span: the row and the resource attributes a read adds to it.
      int measured = Math.toIntExact(size + (named == null ? 0 : named.textBytes()));
      String trace = span.traceId();
      String id = span.spanId();
      long start = span.startMicros();
      TimeBucket.Table table = hours.coarse(TimeBucket.Table.SPANS_BY_HOUR.bucket(start))
          ? TimeBucket.Table.SPANS_BY_HOUR : TimeBucket.Table.SPANS_BY_MINUTE;
      long bucket = table.bucket(start);
      int shard = Buckets.spanShard(trace, id);
      rows.add("spans:" + trace, insertSpan.bind(trace, id, start, blob, measured, ttlSeconds), size);
      rows.add(table.name + ":" + bucket + ":" + shard,
          insertSpanIndex.get(table).bind(bucket, shard, start, trace, id, span.service(), span.durationMicros(),
              span.httpStatus() == null ? 0 : span.httpStatus(), span.isError(), blob, ttlSeconds),
          size);
      addMarker(markers, markerRows, table.marker, bucket);
      if (markerDue("service:" + span.service()) && markers.add("service:" + span.service())) {
        markerRows.add(insertService.bind(span.service(), markerTtlSeconds));
      }
    }
    // The spans of a trace share most of their words: one row per word of each trace and second.
    for (TokenIndex.TraceWords group : TokenIndex.byTraceAndSecond(unique.values())) {
      if (group.words().isEmpty()) continue;
      // A second lies inside one ten-minute bucket and one day: the layout is chosen per group.
      TimeBucket.Table table = days.coarse(TimeBucket.Table.WORDS_BY_DAY.bucket(group.bucketMicros()))
          ? TimeBucket.Table.WORDS_BY_DAY : TimeBucket.Table.WORDS_BY_TEN_MINUTES;
      long bucket = table.bucket(group.bucketMicros());
      int tokenShard = Buckets.tokenShard(group.traceId());
      for (String word : group.words()) {
        String prefix = TokenIndex.partitionPrefix(word);
        rows.add(table.name + ":" + bucket + ":" + prefix + ":" + tokenShard,
            insertToken.get(table).bind(bucket, prefix, tokenShard, word, group.bucketMicros(), group.traceId(),
                TokenIndex.WHOLE_TRACE, ttlSeconds), word.length() + 64);
      }
      addMarker(markers, markerRows, table.marker, bucket);
    }
    List<Statement<?>> statements = rows.statements();
    statements.addAll(markerRows);
    return afterSuccess(writeAfterResources(unique.size(), statements, spanResources.values()), markers);
  }

  /**
   * Writes the rows of the resources due for a refresh first and the spans only once those are
   * stored, so that no reader can see a span before the resource it names. Usually no resource is
   * due and the spans go at once.
   */
  private CompletableFuture<Void> writeAfterResources(int units, List<Statement<?>> statements,
      Collection<Resources.Encoded> spanResources) {
    long started = System.currentTimeMillis();
    List<Resources.Encoded> due = resources.due(spanResources);
    if (due.isEmpty()) return writer.write(units, statements);
    return writer.write(units, () -> {
      CompletableFuture<?>[] written = due.stream().map(r -> writer.execute(resources.row(r)))
          .toArray(CompletableFuture[]::new);
      return CompletableFuture.allOf(written).thenApply(done -> statements);
    }).thenRun(() -> resources.written(due, started));
  }

  /**
   * Stores the batch unless another batch holds its (session, sequence) already: the first one
   * wins (see ReplayContract). The batch row is inserted with {@code IF NOT EXISTS}, and the rows
   * derived from the batch (its session's day, its chapter reports) are written only when that
   * insert applied, or when the stored batch is this very batch: a retry after a write that stored
   * the row but failed on some of the others must still complete them. RATIONALE.md says what the
   * lightweight transaction costs.
   */
  @Override
  public CompletableFuture<Void> writeReplay(ReplayBatch batch) {
    ByteBuffer chapters = BinaryCodec.encode(batch.chapters());
    Statement<?> row = batchRow(batch, chapters);
    Set<String> markers = new HashSet<>();
    return afterSuccess(writer.write(1, () -> writer.execute(row).thenCompose(insert ->
        insert.wasApplied() || sameBatch(insert.one(), batch, chapters)
            ? rowsOfBatch(batch, markers)
            : CompletableFuture.completedFuture(List.of()))), markers);
  }

  private Statement<?> batchRow(ReplayBatch batch, ByteBuffer chapters) {
    SessionInfo info = batch.session();
    BoundStatementBuilder row = insertBatch.boundStatementBuilder()
        .setString("session_id", batch.sessionId())
        .setLong("sequence", batch.sequence())
        .setLong("first_event_micros", batch.firstEventMicros())
        .setLong("last_event_micros", batch.lastEventMicros())
        .setInt("event_count", batch.eventCount())
        .setInt("error_count", batch.errorCount())
        .setList("full_snapshots", batch.fullSnapshotMicros(), Long.class)
        .setByteBuffer("chapters", chapters.duplicate())
        .setByteBuffer("events", ByteBuffer.wrap(batch.events()))
        .setInt("events_bytes", batch.events().length)
        .setInt("ttl", ttlSeconds);
    // Absent details stay unset rather than null: a null would write a tombstone.
    setIfPresent(row, "service", info.service());
    setIfPresent(row, "user_agent", info.userAgent());
    setIfPresent(row, "entry_url", info.entryUrl());
    setIfPresent(row, "user_id", info.userId());
    setIfPresent(row, "user_email", info.userEmail());
    return row.build();
  }

  /** Whether the row a failed {@code IF NOT EXISTS} returned holds exactly this batch. */
  private static boolean sameBatch(Row stored, ReplayBatch batch, ByteBuffer chapters) {
    SessionInfo info = batch.session();
    return stored.getLong("first_event_micros") == batch.firstEventMicros()
        && stored.getLong("last_event_micros") == batch.lastEventMicros()
        && stored.getInt("event_count") == batch.eventCount()
        && stored.getInt("error_count") == batch.errorCount()
        && stored.getList("full_snapshots", Long.class).equals(batch.fullSnapshotMicros())
        && Objects.equals(stored.getString("service"), info.service())
        && Objects.equals(stored.getString("user_agent"), info.userAgent())
        && Objects.equals(stored.getString("entry_url"), info.entryUrl())
        && Objects.equals(stored.getString("user_id"), info.userId())
        && Objects.equals(stored.getString("user_email"), info.userEmail())
        && chapters.equals(stored.getByteBuffer("chapters"))
        && ByteBuffer.wrap(batch.events()).equals(orEmpty(stored.getByteBuffer("events")));
  }

  private static ByteBuffer orEmpty(ByteBuffer blob) {
    return blob == null ? ByteBuffer.allocate(0) : blob;
  }

  /** The rows a stored batch implies besides its own: its session's day and its chapters' reports. */
  private CompletionStage<List<Statement<?>>> rowsOfBatch(ReplayBatch batch, Set<String> markers) {
    List<Statement<?>> statements = new ArrayList<>();
    long day = Buckets.day(batch.lastEventMicros());
    statements.add(insertSessionDay.bind(day, batch.sessionId(), ttlSeconds));
    addMarker(markers, statements, Buckets.SESSION_DAYS, day);
    if (batch.chapters().isEmpty()) return CompletableFuture.completedFuture(statements);
    return ownedChapters(batch).thenApply(owned -> {
      for (Chapter chapter : owned) {
        ByteBuffer blob = BinaryCodec.encode(chapter);
        statements.add(insertChapterBySession.bind(batch.sessionId(), chapter.sequence(), chapter.chapterId(),
            batch.sequence(), blob, ttlSeconds));
        statements.add(insertChapterReport.bind(chapter.chapterId(), batch.sequence(), blob, ttlSeconds));
        if (chapter.traceId() != null) {
          statements.add(insertChapterByTrace.bind(chapter.traceId(), chapter.chapterId(), ttlSeconds));
        }
      }
      return statements;
    });
  }

  /**
   * The batch's chapters that belong to its session. A chapter belongs to the session that
   * reported it first (see ReplayContract): a chapter id seen for the first time is claimed with a
   * lightweight transaction, once; later reports only read the claim. A report from another
   * session (forged: chapter ids are random) is left out, so it writes none of the chapter's rows.
   * RATIONALE.md weighs this against resolving the owner at read time.
   */
  private CompletionStage<List<Chapter>> ownedChapters(ReplayBatch batch) {
    List<CompletableFuture<Optional<Chapter>>> checks = new ArrayList<>();
    for (Chapter chapter : batch.chapters()) {
      checks.add(owner(chapter.chapterId(), batch.sessionId())
          .thenApply(owner -> Optional.of(chapter).filter(c -> owner.equals(batch.sessionId())))
          .toCompletableFuture());
    }
    return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
        .thenApply(done -> checks.stream().map(CompletableFuture::join).flatMap(Optional::stream).toList());
  }

  /** The session owning the chapter, claiming it for {@code sessionId} when nobody has yet. */
  private CompletionStage<String> owner(String chapterId, String sessionId) {
    return writer.execute(selectChapterOwner.bind(chapterId)).thenCompose(read -> {
      Row known = read.one();
      if (known != null) return CompletableFuture.completedFuture(known.getString("session_id"));
      // Not applied means another claim won meanwhile; its row comes back with the result.
      return writer.execute(claimChapter.bind(chapterId, sessionId, ownerTtlSeconds))
          .thenApply(claim -> claim.wasApplied() ? sessionId : claim.one().getString("session_id"));
    });
  }

  private static void setIfPresent(BoundStatementBuilder row, String column, String value) {
    if (value != null) row.setString(column, value);
  }

  private void addMarker(Set<String> markers, List<Statement<?>> statements, String kind, long bucket) {
    String key = kind + ":" + bucket;
    if (markerDue(key) && markers.add(key)) statements.add(insertBucket.bind(kind, bucket, markerTtlSeconds));
  }

  /** After a purge deleted a marker row, the next write in its hour or day must write it again. */
  void forgetMarker(String kind, long bucket) {
    markersWritten.remove(kind + ":" + bucket);
  }

  private boolean markerDue(String key) {
    Long written = markersWritten.get(key);
    return written == null || System.currentTimeMillis() - written > MARKER_REFRESH_MILLIS;
  }

  /** Remembers markers only once stored, so that a failed write's retry writes them again. */
  private CompletableFuture<Void> afterSuccess(CompletableFuture<Void> write, Set<String> markers) {
    return write.thenRun(() -> {
      if (markersWritten.size() > 100_000) markersWritten.clear();
      long now = System.currentTimeMillis();
      for (String key : markers) markersWritten.put(key, now);
    });
  }

  // ---- reads

  @Override
  public Page<Span> searchSpans(SpanQuery query) {
    return spanSearch.search(query);
  }

  @Override
  public List<Span> trace(String traceId) {
    List<Span> spans = resources.decode(session.execute(selectTrace.bind(Ids.traceId(traceId))).all());
    spans.sort(Comparator.comparingLong(Span::startMicros));
    return link(spans);
  }

  /**
   * The sum of the sizes stored with the rows since version 6 (Cassandra 5.0 has no function for
   * the length of a blob): a read of small int columns. A row written before has no size; a trace
   * holding one is read again, its blobs this time, and such rows are measured.
   */
  @Override
  public long traceBytes(String traceId) {
    String id = Ids.traceId(traceId);
    long bytes = 0;
    for (Row row : session.execute(selectTraceSizes.bind(id))) {
      if (row.isNull("span_bytes")) return measureTrace(id);
      bytes += row.getInt("span_bytes");
    }
    return bytes;
  }

  /**
   * The trace's stored sizes, and for rows without one the row measured with the resource it
   * names: a page of {@link #MEASURED_PAGE_ROWS} at a time, never decoded, so that measuring holds
   * little however large the trace.
   */
  private long measureTrace(String traceId) {
    long bytes = 0;
    Map<ResourceKey, Long> spansPerResource = new HashMap<>();
    for (Row row : session.execute(selectTraceToMeasure.bind(traceId).setPageSize(MEASURED_PAGE_ROWS))) {
      if (!row.isNull("span_bytes")) {
        bytes += row.getInt("span_bytes");
        continue;
      }
      ByteBuffer blob = row.getByteBuffer("span");
      bytes += blob.remaining();
      ResourceKey key = BinaryCodec.resourceKey(blob);
      if (key != null) spansPerResource.merge(key, 1L, Long::sum);
    }
    for (Map.Entry<ResourceKey, Long> resource : resources.sizes(spansPerResource.keySet()).entrySet()) {
      bytes += resource.getValue() * spansPerResource.get(resource.getKey());
    }
    return bytes;
  }

  @Override
  public List<String> services(int limit) {
    List<String> services = new ArrayList<>();
    // Clustered by name, so the LIMIT keeps the first names.
    for (Row row : session.execute(selectServices.bind(limit))) services.add(row.getString("service"));
    services.sort(Comparator.naturalOrder());
    return services;
  }

  @Override
  public Optional<Chapter> chapter(String chapterId) {
    return chapterAsync(Ids.chapterId(chapterId)).toCompletableFuture().join();
  }

  /** Reports of a chapter merged in batch order (the clustering order of chapter_reports). */
  private CompletionStage<Optional<Chapter>> chapterAsync(String chapterId) {
    return session.executeAsync(selectChapterReports.bind(chapterId))
        .thenCompose(rs -> Rows.all(rs))
        .thenApply(rows -> {
          Chapter merged = null;
          for (Row row : rows) {
            Chapter report = BinaryCodec.decodeChapter(row.getByteBuffer("chapter"));
            merged = merged == null ? report : merged.mergedWith(report);
          }
          return Optional.ofNullable(merged);
        });
  }

  @Override
  public Optional<Chapter> chapterOfTrace(String traceId) {
    return chapterOfTraceAsync(Ids.traceId(traceId)).toCompletableFuture().join();
  }

  /**
   * The chapter whose request started the trace. Should several name it (it should not happen),
   * the one with the earliest first event wins, then the lowest chapter id, as in every store.
   */
  private CompletionStage<Optional<Chapter>> chapterOfTraceAsync(String traceId) {
    return session.executeAsync(selectChapterOfTrace.bind(traceId)).thenCompose(Rows::all).thenCompose(rows -> {
      List<CompletableFuture<Optional<Chapter>>> chapters = new ArrayList<>();
      for (Row row : rows) chapters.add(chapterAsync(row.getString("chapter_id")).toCompletableFuture());
      return CompletableFuture.allOf(chapters.toArray(CompletableFuture[]::new)).thenApply(done ->
          chapters.stream().map(CompletableFuture::join).flatMap(Optional::stream)
              .min(Comparator.comparingLong(Chapter::firstEventMicros).thenComparing(Chapter::chapterId)));
    });
  }

  @Override
  public List<Chapter> chapters(String sessionId) {
    Map<String, Chapter> merged = new LinkedHashMap<>();
    // Rows come ordered by chapter sequence, chapter id, then batch sequence: merge in that order.
    for (Row row : session.execute(selectChaptersOfSession.bind(Ids.sessionId(sessionId)))) {
      Chapter report = BinaryCodec.decodeChapter(row.getByteBuffer("chapter"));
      merged.merge(row.getString("chapter_id"), report, Chapter::mergedWith);
    }
    return List.copyOf(merged.values());
  }

  @Override
  public Optional<Session> session(String sessionId) {
    return sessionAsync(Ids.sessionId(sessionId)).toCompletableFuture().join();
  }

  /** The session summarized at read time from its batches, so a batch written twice counts once. */
  CompletableFuture<Optional<Session>> sessionAsync(String sessionId) {
    CompletableFuture<List<Row>> batches =
        session.executeAsync(selectBatchSummaries.bind(sessionId)).thenCompose(Rows::all).toCompletableFuture();
    CompletableFuture<List<Row>> chapters =
        session.executeAsync(selectChapterIdsOfSession.bind(sessionId)).thenCompose(Rows::all).toCompletableFuture();
    return batches.thenCombine(chapters, (batchRows, chapterRows) -> {
      if (batchRows.isEmpty()) return Optional.empty();
      Set<String> chapterIds = new HashSet<>();
      for (Row r : chapterRows) chapterIds.add(r.getString("chapter_id"));
      return Optional.of(summarize(sessionId, batchRows, chapterIds.size()));
    });
  }

  /** Rows come in batch sequence order (the clustering order), which the first/last rules use. */
  private static Session summarize(String sessionId, List<Row> batches, int chapterCount) {
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    long events = 0;
    long errors = 0;
    String service = null, userAgent = null, entryUrl = null, userId = null, userEmail = null;
    for (Row b : batches) {
      first = Math.min(first, b.getLong("first_event_micros"));
      last = Math.max(last, b.getLong("last_event_micros"));
      events += b.getInt("event_count");
      errors += b.getInt("error_count");
      if (service == null) service = b.getString("service");
      if (userAgent == null) userAgent = b.getString("user_agent");
      if (entryUrl == null) entryUrl = b.getString("entry_url");
      // identify() comes later in a visit: the latest batch that names the user wins.
      if (b.getString("user_id") != null) userId = b.getString("user_id");
      if (b.getString("user_email") != null) userEmail = b.getString("user_email");
    }
    return new Session(sessionId, first, last, service, userAgent, entryUrl, userId, userEmail,
        chapterCount, events, errors);
  }

  @Override
  public Page<Session> searchSessions(SessionQuery query) {
    return sessionSearch.search(query);
  }

  @Override
  public List<ReplayBatch> replay(String sessionId, long fromMicros, long toMicros) {
    String id = Ids.sessionId(sessionId);
    List<CompletableFuture<ReplayBatch>> batches = new ArrayList<>();
    for (Row summary : chosenBatches(id, fromMicros, toMicros)) {
      batches.add(session.executeAsync(selectBatch.bind(id, summary.getLong("sequence")))
          .thenApply(rs -> toBatch(id, summary, rs.one())).toCompletableFuture());
    }
    return batches.stream().map(CompletableFuture::join).toList();
  }

  /**
   * The sizes stored with the chosen batches since version 6, which come with the summaries that
   * choose them; a batch written before has none, and its events are read to be measured.
   */
  @Override
  public long replayBytes(String sessionId, long fromMicros, long toMicros) {
    String id = Ids.sessionId(sessionId);
    long bytes = 0;
    for (Row summary : chosenBatches(id, fromMicros, toMicros)) {
      if (!summary.isNull("events_bytes")) {
        bytes += summary.getInt("events_bytes");
        continue;
      }
      Row batch = session.execute(selectBatch.bind(id, summary.getLong("sequence"))).one();
      if (batch != null) bytes += orEmpty(batch.getByteBuffer("events")).remaining();
    }
    return bytes;
  }

  /** The summaries of the batches {@link #replay} returns, in its order. */
  private List<Row> chosenBatches(String sessionId, long fromMicros, long toMicros) {
    List<Row> summaries = new ArrayList<>();
    session.execute(selectBatchSummaries.bind(sessionId)).forEach(summaries::add);
    return ReplaySelection.choose(summaries, fromMicros, toMicros);
  }

  private static ReplayBatch toBatch(String sessionId, Row summary, Row withEvents) {
    ByteBuffer events = withEvents.getByteBuffer("events");
    byte[] bytes = new byte[events.remaining()];
    events.duplicate().get(bytes);
    return new ReplayBatch(sessionId, summary.getLong("sequence"), summary.getLong("first_event_micros"),
        summary.getLong("last_event_micros"), summary.getInt("event_count"), summary.getInt("error_count"),
        summary.getList("full_snapshots", Long.class), List.of(),
        new SessionInfo(summary.getString("service"), summary.getString("user_agent"),
            summary.getString("entry_url"), summary.getString("user_id"), summary.getString("user_email")),
        bytes);
  }

  /**
   * Joins spans to chapters at read time (see LinkingContract): what a span carries itself is
   * kept, and what it lacks is filled from its trace's chapter when that chapter agrees with it.
   */
  List<Span> link(List<Span> spans) {
    Map<String, CompletableFuture<Optional<Chapter>>> byTrace = new HashMap<>();
    for (Span span : spans) {
      if (span.sessionId() == null || span.chapterId() == null) {
        byTrace.computeIfAbsent(span.traceId(), t -> chapterOfTraceAsync(t).toCompletableFuture());
      }
    }
    List<Span> linked = new ArrayList<>(spans.size());
    for (Span span : spans) {
      CompletableFuture<Optional<Chapter>> lookup = byTrace.get(span.traceId());
      Chapter chapter = lookup == null ? null : lookup.join().orElse(null);
      boolean agrees = chapter != null
          && (span.sessionId() == null || span.sessionId().equals(chapter.sessionId()))
          && (span.chapterId() == null || span.chapterId().equals(chapter.chapterId()));
      linked.add(agrees ? span.withLink(chapter.sessionId(), chapter.chapterId()) : span);
    }
    return linked;
  }

  /** Rows of a bucket kind (session days), newest first. */
  List<Long> buckets(String kind) {
    List<Long> buckets = new ArrayList<>();
    for (Row row : session.execute(selectBuckets.bind(kind))) buckets.add(row.getLong("bucket"));
    return buckets;
  }

  /**
   * The time index buckets that hold spans started between the times (inclusive), newest first:
   * hours and minutes, an hour's minutes holding its spans beyond the coarse limit.
   */
  List<TimeBucket> spanBuckets(long fromMicros, long toMicros) {
    return markedBuckets(TimeBucket.SPAN_TABLES, fromMicros, toMicros);
  }

  /**
   * The text index buckets that hold words of spans started between the times (inclusive), newest
   * first: days and ten-minute buckets, by their markers, and the day of each of the hours given
   * (time index buckets of the same range), as versions 2 and 3 wrote no word markers.
   */
  List<TimeBucket> wordBuckets(long fromMicros, long toMicros, List<TimeBucket> spanBuckets) {
    Set<TimeBucket> buckets = new LinkedHashSet<>(markedBuckets(TimeBucket.WORD_TABLES, fromMicros, toMicros));
    for (TimeBucket hour : spanBuckets) {
      if (hour.table() == TimeBucket.Table.SPANS_BY_HOUR) buckets.add(TimeBucket.Table.WORDS_BY_DAY.of(hour.fromMicros()));
    }
    List<TimeBucket> sorted = new ArrayList<>(buckets);
    sorted.sort(TimeBucket.readOrder(true));
    return sorted;
  }

  private List<TimeBucket> markedBuckets(List<TimeBucket.Table> tables, long fromMicros, long toMicros) {
    List<TimeBucket> buckets = new ArrayList<>();
    for (TimeBucket.Table table : tables) {
      for (Row row : session.execute(selectBucketRange.bind(table.marker, table.bucket(fromMicros), table.bucket(toMicros)))) {
        buckets.add(new TimeBucket(table, row.getLong("bucket")));
      }
    }
    buckets.sort(TimeBucket.readOrder(true));
    return buckets;
  }

  /**
   * Deletes data older than the time at once (see {@link PurgeBefore}); retention itself needs no
   * call, as every row expires by its TTL.
   */
  @Override
  public long purgeBefore(long micros) {
    return purge.run(micros);
  }

  @Override
  public int pendingWrites() {
    return writer.pending();
  }

  @Override
  public void check() {
    if (session.execute(selectSchemaVersion.bind()).one() == null) {
      throw new IllegalStateException("keyspace " + keyspace + " has no schema version row");
    }
  }

  @Override
  public void close() {
    session.close();
  }
}
