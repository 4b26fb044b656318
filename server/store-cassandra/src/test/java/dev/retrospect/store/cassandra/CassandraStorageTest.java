package dev.retrospect.store.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import dev.retrospect.contract.TestData;
import dev.retrospect.core.AttributeValue;
import dev.retrospect.core.Attributes;
import dev.retrospect.core.Chapter;
import dev.retrospect.core.ReplayBatch;
import dev.retrospect.core.SessionInfo;
import dev.retrospect.core.Page;
import dev.retrospect.core.Span;
import dev.retrospect.core.SpanQuery;
import dev.retrospect.core.SpanSort;
import dev.retrospect.core.StorageOverloadedException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What only the Cassandra store promises: its schema, its write bound, its TTL, how it settles
 * racing claims of a chapter, how a retried batch completes its rows. One keyspace,
 * replicated per data centre, serves the class (creating one takes seconds).
 */
@ExtendWith(CassandraNodeExtension.class)
class CassandraStorageTest {
  static CassandraNode node;
  static CassandraConfig config;
  static CassandraStorage storage;
  static CqlSession cql;

  @BeforeAll
  static void connect(CassandraNode started) {
    node = started;
    CassandraConfig local = node.config("store");
    config = new CassandraConfig(local.contactPoints(), local.localDatacenter(), local.keyspace(),
        local.consistency(), Replication.perDatacenter(Map.of("datacenter1", 1)), 7, 20_000, CoarseLimits.DEFAULT,
        true, null, null);
    storage = CassandraStorage.create(config);
    cql = CqlSession.builder().addContactPoint(new InetSocketAddress("127.0.0.1", node.port()))
        .withLocalDatacenter("datacenter1").build();
  }

  @AfterAll
  static void disconnect() {
    storage.close();
    cql.close();
  }

  @Test
  void startCreatesTablesWithTimeWindowCompactionSaiIndexesAndASchemaVersion() {
    storage.check();

    String ks = config.keyspace();
    assertThat(cql.execute("SELECT table_name FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?",
        ks, "resources").one()).as("resources").isNotNull();
    for (String table : List.of("spans", "span_index_by_minute", "span_tokens_by_ten_minutes", "span_index",
        "span_tokens", "replay_batches", "chapters_by_session")) {
      Row row = cql.execute("SELECT compaction FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?",
          ks, table).one();
      assertThat(row).as(table).isNotNull();
      assertThat(row.getMap("compaction", String.class, String.class).get("class")).as(table)
          .endsWith("TimeWindowCompactionStrategy");
    }
    List<String> indexes = new ArrayList<>();
    for (Row r : cql.execute("SELECT index_name, options FROM system_schema.indexes WHERE keyspace_name = ?", ks)) {
      assertThat(r.getMap("options", String.class, String.class).get("class_name")).endsWith("StorageAttachedIndex");
      indexes.add(r.getString("index_name"));
    }
    assertThat(indexes).containsExactlyInAnyOrder(
        "span_index_by_minute_service", "span_index_by_minute_http_status", "span_index_by_minute_duration",
        "span_index_by_minute_error",
        // Version 3's time index, still read until its rows expire.
        "span_index_service", "span_index_http_status", "span_index_duration", "span_index_error");
    assertThat(cql.execute("SELECT version FROM " + ks + ".schema_version WHERE id = 'retrospect'").one().getInt(0))
        .isEqualTo(Schema.VERSION);
  }

  @Test
  void aSecondServerOnTheSameKeyspaceSeesTheDataOfTheFirst() {
    Span span = TestData.span(TestData.service("restart"), TestData.windowStart()).build();
    storage.writeSpans(List.of(span)).join();

    try (CassandraStorage second = CassandraStorage.create(config)) {
      assertThat(second.trace(span.traceId())).containsExactly(span);
    }
  }

  @Test
  void operatorManagedSchemaIsCheckedNotCreated() {
    CassandraConfig missing = node.config("managed").withManageSchema(false);

    assertThatThrownBy(() -> CassandraStorage.create(missing))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("has no Retrospect schema");
    assertThat(cql.execute("SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?",
        missing.keyspace()).one()).as("nothing created").isNull();
    try (CassandraStorage managed = CassandraStorage.create(config.withManageSchema(false))) {
      managed.check();
    }
  }

  @Test
  void keyspaceIsReplicatedAsConfigured() {
    Map<String, String> replication = cql.execute(
        "SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?", config.keyspace())
        .one().getMap("replication", String.class, String.class);

    assertThat(replication).containsEntry("class", "org.apache.cassandra.locator.NetworkTopologyStrategy")
        .containsEntry("datacenter1", "1");
  }

  @Test
  void everyRowExpiresAfterTheRetentionPeriod() {
    Span span = TestData.checkout(TestData.traceId(), TestData.service("ttl"), TestData.windowStart(), "dale@gmail.com");
    storage.writeSpans(List.of(span)).join();

    int week = 7 * 24 * 3600;
    String ks = config.keyspace();
    assertThat(cql.execute("SELECT TTL(span) FROM " + ks + ".spans WHERE trace_id = ?", span.traceId())
        .one().getInt(0)).isBetween(week - 60, week);
    assertThat(cql.execute("SELECT TTL(span) FROM " + ks + ".span_index WHERE hour = ? AND shard = ?",
        Math.floorDiv(span.startMicros(), Buckets.HOUR_MICROS), Buckets.spanShard(span.traceId(), span.spanId()))
        .one().getInt(0)).isBetween(week - 60, week);
  }

  @Test
  void aResourceOutlivesTheSpansNamingItAndIsRewrittenAtMostOnceAnHour() {
    Map<String, AttributeValue> resource = sdkResource("ttl");
    Span first = TestData.span(TestData.service("resttl"), TestData.windowStart()).resourceAttributes(resource).build();
    storage.writeSpans(List.of(first)).join();
    ByteBuffer key = resourceKey(first);
    String select = "SELECT TTL(attributes), WRITETIME(attributes) FROM " + config.keyspace() + ".resources WHERE id = ?";
    Row written = cql.execute(select, key).one();

    int weekAndADay = 8 * 24 * 3600;
    assertThat(written.getInt(0)).as("a day longer than the spans' TTL").isBetween(weekAndADay - 60, weekAndADay);
    Span second = TestData.span(first.service(), first.startMicros() + 1).resourceAttributes(resource).build();
    storage.writeSpans(List.of(second)).join();
    assertThat(cql.execute(select, key).one().getLong(1)).as("not rewritten within the hour")
        .isEqualTo(written.getLong(1));
    try (CassandraStorage otherServer = CassandraStorage.create(config)) {
      otherServer.writeSpans(List.of(TestData.span(first.service(), first.startMicros() + 2)
          .resourceAttributes(resource).build())).join();
    }
    assertThat(cql.execute(select, key).one().getLong(1)).as("another server writes it once too, same key")
        .isGreaterThan(written.getLong(1));
  }

  @Test
  void spansSharingTwoResourcesReadBackWithThemInTracesAndEverySortedPage() {
    String service = TestData.service("resources");
    String word = TestData.word("resources");
    Map<String, AttributeValue> checkout = Attributes.copyOf(sdkResource("checkout"));
    Map<String, AttributeValue> payments = Attributes.copyOf(sdkResource("payments"));
    long start = TestData.windowStart();
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      Span plain = TestData.checkout(TestData.traceId(), service, start + i * 7_919L, word + "@example.com");
      spans.add(withResource(plain, i % 3 == 0 ? payments : checkout, 1_000 + i * 13L));
    }
    storage.writeSpans(spans).join();

    for (Span span : spans) assertThat(storage.trace(span.traceId())).containsExactly(span);
    assertFoundOnceInEveryOrder(storage, spans, service, word);
    try (CassandraStorage coldCache = CassandraStorage.create(config)) {
      assertFoundOnceInEveryOrder(coldCache, spans, service, word);
    }
    assertThat(cql.execute("SELECT id FROM " + config.keyspace() + ".resources WHERE id IN (?, ?)",
        resourceKey(spans.get(0)), resourceKey(spans.get(1))).all()).hasSize(2);
  }

  @Test
  void spanRowsNameTheirResourceInsteadOfCarryingIt() {
    Span plain = TestData.checkout(TestData.traceId(), TestData.service("small"), TestData.windowStart(), "a@b.c");
    Span span = withResource(plain, sdkResource("small"), plain.durationMicros());
    int whole = BinaryCodec.encode(span).remaining();
    int resource = BinaryCodec.encodeResource(span.resourceAttributes()).remaining();
    assertThat(resource).as("an SDK-sized resource").isGreaterThan(2_000);
    storage.writeSpans(List.of(span)).join();

    String ks = config.keyspace();
    int byTrace = cql.execute("SELECT span FROM " + ks + ".spans WHERE trace_id = ?", span.traceId())
        .one().getByteBuffer(0).remaining();
    int inIndex = cql.execute("SELECT span FROM " + ks + ".span_index WHERE hour = ? AND shard = ?",
        Math.floorDiv(span.startMicros(), Buckets.HOUR_MICROS), Buckets.spanShard(span.traceId(), span.spanId()))
        .one().getByteBuffer(0).remaining();
    // The resource's attributes (its encoding but the format byte) give way to a 16-byte key.
    assertThat(byTrace).isEqualTo(whole - (resource - 1) + 16).isLessThan(whole / 3);
    assertThat(inIndex).isEqualTo(byTrace);
    assertThat(storage.trace(span.traceId())).containsExactly(span);
  }

  @Test
  void aSpanStoredWholeByAnEarlierVersionReadsBackWithItsResource() {
    Span plain = TestData.checkout(TestData.traceId(), TestData.service("whole"), TestData.windowStart(), "a@b.c");
    Span span = withResource(plain, sdkResource("whole"), plain.durationMicros());
    writeAsVersion3(span, false);

    assertThat(storage.trace(span.traceId())).containsExactly(span);
    assertThat(storage.searchSpans(SpanQuery.all().withService(span.service())).items()).containsExactly(span);
    assertThat(storage.searchSpans(SpanQuery.all().withService(span.service()).withSort(SpanSort.OLDEST)).items())
        .containsExactly(span);
  }

  @Test
  void aSpanWhoseResourceRowIsMissingIsReturnedWithoutResourceAttributes() {
    String service = TestData.service("orphan");
    Span plain = TestData.checkout(TestData.traceId(), service, TestData.windowStart(), "a@b.c");
    Span span = withResource(plain, sdkResource("orphan"), plain.durationMicros());
    storage.writeSpans(List.of(span)).join();
    cql.execute("DELETE FROM " + config.keyspace() + ".resources WHERE id = ?", resourceKey(span));

    Span withoutResource = withResource(span, Map.of(), span.durationMicros());
    try (CassandraStorage coldCache = CassandraStorage.create(config)) {
      assertThat(coldCache.trace(span.traceId())).containsExactly(withoutResource);
      for (SpanSort sort : SpanSort.values()) {
        assertThat(coldCache.searchSpans(SpanQuery.all().withService(service).withSort(sort)).items()).as(sort.name())
            .containsExactly(withoutResource);
      }
    }
  }

  /** What an OpenTelemetry SDK reports about a process: about 2 KB, mostly its command line. */
  private static Map<String, AttributeValue> sdkResource(String name) {
    Map<String, AttributeValue> resource = new LinkedHashMap<>();
    resource.put("service.name", AttributeValue.string(name));
    resource.put("service.instance.id", AttributeValue.string(TestData.traceId()));
    resource.put("host.name", AttributeValue.string("ip-10-0-3-17.eu-west-1.compute.internal"));
    resource.put("host.arch", AttributeValue.string("amd64"));
    resource.put("os.type", AttributeValue.string("linux"));
    resource.put("os.description", AttributeValue.string("Linux 6.1.0-18-cloud-amd64"));
    resource.put("process.pid", AttributeValue.integer(4242));
    resource.put("process.executable.path", AttributeValue.string("/usr/lib/jvm/temurin-17/bin/java"));
    resource.put("process.command_line", AttributeValue.string("/usr/lib/jvm/temurin-17/bin/java "
        + "-javaagent:/opt/otel/opentelemetry-javaagent.jar -Dotel.service.name=" + name + " -classpath " + "/opt/app/lib/dependency-with-a-long-name-1.2.3.jar:".repeat(30) + " dev.shop.Main"));
    resource.put("process.runtime.name", AttributeValue.string("OpenJDK Runtime Environment"));
    resource.put("process.runtime.version", AttributeValue.string("17.0.10+7"));
    resource.put("telemetry.sdk.name", AttributeValue.string("opentelemetry"));
    resource.put("telemetry.sdk.language", AttributeValue.string("java"));
    resource.put("telemetry.sdk.version", AttributeValue.string("1.36.0"));
    return resource;
  }

  private static Span withResource(Span s, Map<String, AttributeValue> resource, long durationMicros) {
    return new Span(s.traceId(), s.spanId(), s.parentSpanId(), s.service(), s.name(), s.kind(), s.startMicros(),
        durationMicros, s.statusCode(), s.statusMessage(), s.httpStatus(), resource, s.attributes(), s.events(),
        s.links(), s.sessionId(), s.chapterId());
  }

  private static ByteBuffer resourceKey(Span span) {
    return ResourceKey.of(BinaryCodec.encodeResource(span.resourceAttributes())).bytes();
  }

  @Test
  void sessionsRacingToReportANewChapterLeaveItWithExactlyOneOfThem() {
    long t = TestData.windowStart();
    String chapterId = TestData.chapterId();
    Map<String, Chapter> reports = new LinkedHashMap<>();
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String session = TestData.sessionId();
      Chapter report = TestData.answeredChapter(chapterId, session, i, TestData.traceId(), t + i, 200 + i);
      reports.put(session, report);
      writes.add(storage.writeReplay(TestData.batch(session, 0, t, t + 1_000, 1, List.of(t), List.of(report),
          SessionInfo.EMPTY, 0)));
    }
    writes.forEach(CompletableFuture::join);

    Chapter stored = storage.chapter(chapterId).orElseThrow();
    assertThat(stored).isEqualTo(reports.get(stored.sessionId()));
    for (Map.Entry<String, Chapter> report : reports.entrySet()) {
      boolean owner = report.getKey().equals(stored.sessionId());
      assertThat(storage.chapters(report.getKey())).hasSize(owner ? 1 : 0);
      assertThat(storage.chapterOfTrace(report.getValue().traceId()).isPresent()).isEqualTo(owner);
    }
  }

  @Test
  void aRetryOfABatchWhoseChapterRowsWereLostWritesThemAgain() {
    long t = TestData.windowStart();
    String session = TestData.sessionId();
    Chapter chapter = TestData.answeredChapter(TestData.chapterId(), session, 0, TestData.traceId(), t, 200);
    ReplayBatch batch = TestData.batch(session, 3, t, t + 1_000, 4, List.of(t), List.of(chapter), SessionInfo.EMPTY, 0);
    storage.writeReplay(batch).join();
    // As if the first write stored the batch row and then failed before its chapter rows.
    String ks = config.keyspace();
    cql.execute("DELETE FROM " + ks + ".chapter_reports WHERE chapter_id = ?", chapter.chapterId());
    cql.execute("DELETE FROM " + ks + ".chapters_by_session WHERE session_id = ?", session);
    cql.execute("DELETE FROM " + ks + ".chapter_by_trace WHERE trace_id = ?", chapter.traceId());
    assertThat(storage.chapter(chapter.chapterId())).isEmpty();

    storage.writeReplay(batch).join();

    assertThat(storage.chapter(chapter.chapterId())).contains(chapter);
    assertThat(storage.chapters(session)).containsExactly(chapter);
    assertThat(storage.chapterOfTrace(chapter.traceId())).contains(chapter);
  }

  @Test
  void writesBeyondTheBoundAreRefusedAtOnceAndEveryAcceptedSpanIsStored() {
    String service = TestData.service("load");
    long start = TestData.windowStart();
    List<List<Span>> accepted = new ArrayList<>();
    List<CompletableFuture<Void>> acknowledgements = new ArrayList<>();
    List<List<Span>> refused = new ArrayList<>();
    try (CassandraStorage storage = CassandraStorage.create(config.withMaxPendingWrites(200))) {
      for (int i = 0; i < 40; i++) {
        List<Span> spans = new ArrayList<>();
        for (int j = 0; j < 50; j++) spans.add(TestData.span(service, start + i * 50 + j).build());
        CompletableFuture<Void> write = storage.writeSpans(spans);
        if (write.isCompletedExceptionally()) {
          assertThatThrownBy(write::join).isInstanceOf(CompletionException.class)
              .hasCauseInstanceOf(StorageOverloadedException.class);
          refused.add(spans);
        } else {
          accepted.add(spans);
          acknowledgements.add(write);
        }
        assertThat(storage.pendingWrites()).isLessThanOrEqualTo(200);
      }
      acknowledgements.forEach(CompletableFuture::join);

      assertThat(refused).as("40 writes of 50 spans against a bound of 200").isNotEmpty();
      assertThat(accepted).isNotEmpty();
      for (List<Span> spans : accepted) {
        for (Span span : spans) assertThat(storage.trace(span.traceId())).containsExactly(span);
      }
      for (List<Span> spans : refused) {
        for (Span span : spans) assertThat(storage.trace(span.traceId())).isEmpty();
      }
      assertThat(storage.pendingWrites()).isZero();
      assertThat(storage.writeSpans(List.of(TestData.span(service, start).build()))).succeedsWithin(java.time.Duration.ofSeconds(30));
    }
  }

  @Test
  void theSpansOfOneTraceInOneSecondShareOneRowPerWord() {
    String trace = TestData.traceId();
    String word = TestData.word("share");
    long start = Buckets.traceWordBucket(TestData.windowStart());
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      spans.add(TestData.checkout(trace, TestData.service("share"), start + i * 1_000, word + "@example.com"));
    }
    storage.writeSpans(spans).join();

    List<Row> rows = cql.execute("SELECT start_micros, trace_id, span_id FROM " + config.keyspace()
        + ".span_tokens WHERE day = ? AND prefix = ? AND shard = ? AND word = ?",
        Buckets.day(start), TokenIndex.partitionPrefix(word), Buckets.tokenShard(trace), word).all();
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).getString("span_id")).isEqualTo(TokenIndex.WHOLE_TRACE);
    assertThat(storage.searchSpans(SpanQuery.all().withText(word)).items())
        .containsExactlyInAnyOrderElementsOf(spans);
  }

  @Test
  void textSearchPagesInTimeOrderThroughTracesWhoseSpansInterleave() {
    String word = TestData.word("interleave");
    long t = TestData.windowStart();
    String a = TestData.traceId();
    String b = TestData.traceId();
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      // Trace a starts at even seconds, b at odd ones; a third span per trace shares a second.
      spans.add(TestData.checkout(i % 2 == 0 ? a : b, TestData.service("interleave"), t + i * 1_000_000L,
          word + "@example.com"));
    }
    spans.add(TestData.checkout(a, TestData.service("interleave"), t + 3 * 1_000_000L + 1, word + "@example.com"));
    // Two writes, so the traces' rows come from different calls.
    storage.writeSpans(spans.subList(0, 3)).join();
    storage.writeSpans(spans.subList(3, spans.size())).join();

    for (SpanSort sort : List.of(SpanSort.NEWEST, SpanSort.OLDEST)) {
      SpanOrder order = new SpanOrder(sort);
      List<Span> expected = new ArrayList<>(spans);
      expected.sort(order.spans());
      List<Span> paged = new ArrayList<>();
      String cursor = null;
      do {
        Page<Span> page = storage.searchSpans(SpanQuery.all().withText(word).withSort(sort).withLimit(2)
            .withCursor(cursor));
        paged.addAll(page.items());
        cursor = page.nextCursor();
      } while (cursor != null);
      assertThat(paged).as(sort.name()).containsExactlyElementsOf(expected);
    }
  }

  /** Limits at which every span and word goes to the fine layouts. */
  private static final CoarseLimits FINE_ONLY = new CoarseLimits(0, 0);

  @Test
  void pagesFollowTheTimeOrderAcrossManySparseMinutesAndTenMinuteBuckets() {
    String service = TestData.service("sparse");
    String word = TestData.word("sparse");
    long t = TestData.windowStart();
    List<Span> spans = new ArrayList<>();
    // One span every 7 minutes for about two hours, two more on the same microsecond as one of
    // them (ties ordered by ids), and one on the last microsecond of a minute.
    for (int i = 0; i < 18; i++) {
      spans.add(TestData.checkout(TestData.traceId(), service, t + i * 7 * Buckets.MINUTE_MICROS, word + "@example.com"));
    }
    for (int i = 0; i < 2; i++) {
      spans.add(TestData.checkout(TestData.traceId(), service, t + 21 * Buckets.MINUTE_MICROS, word + "@example.com"));
    }
    long lastOfAMinute = (Math.floorDiv(t, Buckets.MINUTE_MICROS) + 50) * Buckets.MINUTE_MICROS - 1;
    spans.add(TestData.checkout(TestData.traceId(), service, lastOfAMinute, word + "@example.com"));
    try (CassandraStorage fine = CassandraStorage.create(config.withCoarseLimits(FINE_ONLY))) {
      fine.writeSpans(spans).join();
    }

    for (SpanSort sort : List.of(SpanSort.NEWEST, SpanSort.OLDEST)) {
      List<Span> expected = new ArrayList<>(spans);
      expected.sort(new SpanOrder(sort).spans());
      for (SpanQuery query : List.of(SpanQuery.all().withService(service), SpanQuery.all().withText(word))) {
        List<Span> paged = new ArrayList<>();
        String cursor = null;
        do {
          Page<Span> page = storage.searchSpans(query.withSort(sort).withLimit(4).withCursor(cursor));
          paged.addAll(page.items());
          cursor = page.nextCursor();
        } while (cursor != null);
        assertThat(paged).as(sort + " " + (query.text() == null ? "by service" : "by text"))
            .containsExactlyElementsOf(expected);
      }
    }
  }

  @Test
  void spansAVersion3ServerStoredAreFoundAndPurgedAfterTheUpgrade() {
    // Before 2001, where only purge tests put data (see TestData), and before the days the other
    // purge test uses, so that neither purge removes the other's spans; noon, so that one hour and
    // one day hold every span.
    long noon = TestData.EPOCH_2001_MICROS - ThreadLocalRandom.current().nextLong(1_000, 2_000) * Buckets.DAY_MICROS
        + 12 * Buckets.HOUR_MICROS;
    String service = TestData.service("upgrade");
    String word = TestData.word("upgrade");
    long minute = Buckets.MINUTE_MICROS;
    Span perTrace = TestData.checkout(TestData.traceId(), service, noon + 10 * minute, word + "@example.com");
    Span perSpan = TestData.checkout(TestData.traceId(), service, noon + 20 * minute, word + "@example.com");
    String ks = config.keyspace();
    cql.execute("UPDATE " + ks + ".schema_version SET version = 3 WHERE id = 'retrospect'");
    writeAsVersion3(perTrace, false);
    // A span stored by version 2 (one word row per span) and kept through the upgrade to version 3.
    writeAsVersion3(perSpan, true);

    // The new span goes to the fine layouts, so that both layouts' buckets of the hour are merged.
    try (CassandraStorage upgraded = CassandraStorage.create(config.withCoarseLimits(FINE_ONLY))) {
      Span after = TestData.checkout(TestData.traceId(), service, noon + 30 * minute, word + "@example.com");
      upgraded.writeSpans(List.of(after)).join();

      assertThat(upgraded.searchSpans(SpanQuery.all().withText(word)).items()).containsExactly(after, perSpan, perTrace);
      assertThat(upgraded.searchSpans(SpanQuery.all().withText(word).withSort(SpanSort.OLDEST)).items())
          .containsExactly(perTrace, perSpan, after);
      List<Span> paged = new ArrayList<>();
      String cursor = null;
      do {
        Page<Span> page = upgraded.searchSpans(SpanQuery.all().withService(service).withLimit(1).withCursor(cursor));
        paged.addAll(page.items());
        cursor = page.nextCursor();
      } while (cursor != null);
      assertThat(paged).containsExactly(after, perSpan, perTrace);
      assertThat(upgraded.searchSpans(SpanQuery.all().withService(service).withSort(SpanSort.LONGEST)).items())
          .containsExactlyInAnyOrder(after, perSpan, perTrace);

      assertThat(upgraded.purgeBefore(noon + 25 * minute)).isEqualTo(2);

      assertThat(upgraded.searchSpans(SpanQuery.all().withText(word)).items()).containsExactly(after);
      assertThat(upgraded.searchSpans(SpanQuery.all().withService(service)).items()).containsExactly(after);
      assertThat(upgraded.trace(perTrace.traceId())).isEmpty();
      assertThat(upgraded.trace(perSpan.traceId())).isEmpty();
      long hour = Math.floorDiv(noon, Buckets.HOUR_MICROS);
      long day = Buckets.day(noon);
      int rows = 0;
      for (int shard = 0; shard < Buckets.SPAN_SHARDS; shard++) {
        rows += cql.execute("SELECT span_id FROM " + ks + ".span_index WHERE hour = ? AND shard = ?", hour, shard)
            .all().size();
      }
      assertThat(rows).as("version 3 time index rows left").isZero();
      for (int shard = 0; shard < Buckets.TOKEN_SHARDS; shard++) {
        assertThat(cql.execute("SELECT span_id FROM " + ks + ".span_tokens WHERE day = ? AND prefix = ? AND shard = ?"
            + " AND word = ?", day, TokenIndex.partitionPrefix(word), shard, word).all()).as("version 3 word rows").isEmpty();
      }
      assertThat(cql.execute("SELECT bucket FROM " + ks + ".buckets WHERE kind = 'span_hour' AND bucket = ?", hour).one())
          .as("the hour still holds spans after the cut").isNotNull();

      upgraded.purgeBefore(noon + Buckets.HOUR_MICROS);

      assertThat(upgraded.searchSpans(SpanQuery.all().withText(word)).items()).isEmpty();
      assertThat(cql.execute("SELECT bucket FROM " + ks + ".buckets WHERE kind = 'span_hour' AND bucket = ?", hour).one())
          .as("an emptied hour is no longer visited").isNull();
    }
  }

  /**
   * Stores the span with CQL as a version 3 server did: in the time index by hour, its words in
   * the text index by day (one row per trace and second, or per span as version 2 wrote them), and
   * its hour in {@code buckets}.
   */
  private static void writeAsVersion3(Span span, boolean wordRowPerSpan) {
    String ks = config.keyspace();
    String trace = span.traceId();
    long start = span.startMicros();
    ByteBuffer blob = BinaryCodec.encode(span);
    long hour = Math.floorDiv(start, Buckets.HOUR_MICROS);
    cql.execute("INSERT INTO " + ks + ".spans (trace_id, span_id, start_micros, span) VALUES (?, ?, ?, ?)",
        trace, span.spanId(), start, blob);
    cql.execute("INSERT INTO " + ks + ".span_index (hour, shard, start_micros, trace_id, span_id, service, duration,"
        + " http_status, error, span) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", hour,
        Buckets.spanShard(trace, span.spanId()), start, trace, span.spanId(), span.service(), span.durationMicros(),
        span.httpStatus() == null ? 0 : span.httpStatus(), span.isError(), blob);
    cql.execute("INSERT INTO " + ks + ".buckets (kind, bucket) VALUES ('span_hour', ?)", hour);
    for (String w : TokenIndex.words(span)) {
      cql.execute("INSERT INTO " + ks + ".span_tokens (day, prefix, shard, word, start_micros, trace_id, span_id)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?)", Buckets.day(start), TokenIndex.partitionPrefix(w),
          wordRowPerSpan ? Buckets.spanTokenShard(trace, span.spanId()) : Buckets.tokenShard(trace), w,
          wordRowPerSpan ? start : Buckets.traceWordBucket(start), trace,
          wordRowPerSpan ? span.spanId() : TokenIndex.WHOLE_TRACE);
    }
  }

  @Test
  void olderKeyspacesAreMigratedAtStartAndAnOperatorManagedOneIsRefused() {
    String ks = config.keyspace();
    for (int older = 2; older < Schema.VERSION; older++) {
      cql.execute("UPDATE " + ks + ".schema_version SET version = ? WHERE id = 'retrospect'", older);

      assertThatThrownBy(() -> CassandraStorage.create(config.withManageSchema(false)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("has schema version " + older + " but this server needs " + Schema.VERSION);
      CassandraStorage.create(config).close();
      assertThat(cql.execute("SELECT version FROM " + ks + ".schema_version WHERE id = 'retrospect'").one().getInt(0))
          .isEqualTo(Schema.VERSION);
    }
  }

  @Test
  void aKeyspaceANewerServerHasWrittenToIsRefused() {
    String ks = config.keyspace();
    cql.execute("UPDATE " + ks + ".schema_version SET version = ? WHERE id = 'retrospect'", Schema.VERSION + 1);
    try {
      assertThatThrownBy(() -> CassandraStorage.create(config))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("has schema version " + (Schema.VERSION + 1) + ", newer than this server's");
    } finally {
      cql.execute("UPDATE " + ks + ".schema_version SET version = ? WHERE id = 'retrospect'", Schema.VERSION);
    }
  }

  @Test
  void aVersion5KeyspaceGetsTheSizeColumnsAtStartAndItsRowsAreStillMeasured() {
    CassandraConfig v5 = node.config("v5");
    String ks = v5.keyspace();
    long t = TestData.windowStart();
    Span old = TestData.span(TestData.service("v5"), t).attribute("body", "x".repeat(5_000)).build();
    ReplayBatch batch = TestData.batch(TestData.sessionId(), 0, t, t + 1_000_000, 30, List.of(t), List.of(),
        SessionInfo.EMPTY, 0);
    try (CassandraStorage first = CassandraStorage.create(v5)) {
      first.writeSpans(List.of(old)).join();
      first.writeReplay(batch).join();
    }
    // What a version 5 server left: the tables without the size columns, so rows without sizes.
    ddl("ALTER TABLE " + ks + ".spans DROP span_bytes");
    ddl("ALTER TABLE " + ks + ".replay_batches DROP events_bytes");
    cql.execute("UPDATE " + ks + ".schema_version SET version = 5 WHERE id = 'retrospect'");

    assertThatThrownBy(() -> CassandraStorage.create(v5.withManageSchema(false)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("has schema version 5 but this server needs " + Schema.VERSION);

    try (CassandraStorage upgraded = CassandraStorage.create(v5)) {
      assertThat(cql.execute("SELECT version FROM " + ks + ".schema_version WHERE id = 'retrospect'").one().getInt(0))
          .isEqualTo(Schema.VERSION);
      assertThat(columnType(ks, "spans", "span_bytes")).isEqualTo("int");
      assertThat(columnType(ks, "replay_batches", "events_bytes")).isEqualTo("int");
      assertThat(cql.execute("SELECT span_bytes FROM " + ks + ".spans WHERE trace_id = ?", old.traceId()).one()
          .isNull(0)).as("the old span has no size").isTrue();
      assertThat(cql.execute("SELECT events_bytes FROM " + ks + ".replay_batches WHERE session_id = ?",
          batch.sessionId()).one().isNull(0)).as("the old batch has no size").isTrue();

      assertThat(upgraded.trace(old.traceId())).containsExactly(old);
      assertThat(upgraded.traceBytes(old.traceId())).isEqualTo(storedSpanBytes(ks, old.traceId()));
      assertThat(upgraded.replayBytes(batch.sessionId(), t, t + 1_000_000)).isEqualTo(batch.events().length);
      Span later = TestData.span(old.service(), t + 1).traceId(old.traceId()).build();
      upgraded.writeSpans(List.of(later)).join();
      assertThat(cql.execute("SELECT span_bytes FROM " + ks + ".spans WHERE trace_id = ? AND span_id = ?",
          later.traceId(), later.spanId()).one().isNull(0)).as("a new row has its size").isFalse();
      assertThat(upgraded.traceBytes(old.traceId())).isEqualTo(storedSpanBytes(ks, old.traceId()));
    }
  }

  /** Schema changes wait for the node's agreement, longer than the driver's default timeout. */
  private static void ddl(String statement) {
    cql.execute(SimpleStatement.newInstance(statement).setTimeout(Duration.ofSeconds(60)));
  }

  private static String columnType(String keyspace, String table, String column) {
    Row row = cql.execute("SELECT type FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?"
        + " AND column_name = ?", keyspace, table, column).one();
    return row == null ? null : row.getString(0);
  }

  @Test
  void traceAndReplayBytesMeasureRowsWrittenWithoutASizeAsTheyCountTheOthers() {
    long t = TestData.windowStart();
    String service = TestData.service("sizes");
    String traceId = TestData.traceId();
    Map<String, AttributeValue> resource = sdkResource(service);
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Span plain = TestData.span(service, t + i).traceId(traceId).attribute("body", ("span " + i + " ").repeat(500))
          .build();
      // Most spans name a resource, which each is counted with; some have none.
      spans.add(i % 3 == 2 ? plain : withResource(plain, resource, plain.durationMicros()));
    }
    storage.writeSpans(spans).join();
    String session = TestData.sessionId();
    for (int i = 0; i < 4; i++) {
      long first = t + i * 10_000_000L;
      storage.writeReplay(TestData.batch(session, i, first, first + 9_000_000, 10 * (i + 1),
          i == 0 ? List.of(first) : List.of(), List.of(), SessionInfo.EMPTY, 0)).join();
    }
    String ks = config.keyspace();
    long spanBytes = storedSpanBytes(ks, traceId);
    long[][] ranges = {{t, t + 40_000_000}, {t + 21_000_000, t + 22_000_000}, {t + 35_000_000, t + 36_000_000}};
    List<Long> replayed = new ArrayList<>();
    for (long[] range : ranges) {
      replayed.add(storage.replay(session, range[0], range[1]).stream().mapToLong(b -> b.events().length).sum());
    }
    assertThat(cql.execute("SELECT span_bytes FROM " + ks + ".spans WHERE trace_id = ?", traceId).all())
        .as("sizes stored").noneMatch(r -> r.isNull(0));

    for (int nulled : List.of(0, 2, 6)) {
      // As a version 5 server left its rows: without a size, here the first spans' and batches'.
      for (Span span : spans.subList(0, nulled)) {
        cql.execute("UPDATE " + ks + ".spans SET span_bytes = null WHERE trace_id = ? AND span_id = ?",
            traceId, span.spanId());
      }
      for (long sequence = 0; sequence < Math.min(nulled, 4); sequence++) {
        cql.execute("UPDATE " + ks + ".replay_batches SET events_bytes = null WHERE session_id = ? AND sequence = ?",
            session, sequence);
      }
      assertThat(storage.traceBytes(traceId)).as("%d spans without a size", nulled).isEqualTo(spanBytes);
      for (int r = 0; r < ranges.length; r++) {
        assertThat(storage.replayBytes(session, ranges[r][0], ranges[r][1]))
            .as("%d batches without a size, range %d", Math.min(nulled, 4), r).isEqualTo(replayed.get(r));
      }
    }
  }

  /**
   * What traceBytes must say of the trace, from its rows as stored: each span's blob and, for a
   * span naming a resource, that resource's attributes as text.
   */
  private static long storedSpanBytes(String keyspace, String traceId) {
    long bytes = 0;
    for (Row row : cql.execute("SELECT span FROM " + keyspace + ".spans WHERE trace_id = ?", traceId)) {
      ByteBuffer blob = row.getByteBuffer(0);
      bytes += blob.remaining();
      ResourceKey key = BinaryCodec.resourceKey(blob);
      if (key == null) continue;
      ByteBuffer resource = cql.execute("SELECT attributes FROM " + keyspace + ".resources WHERE id = ?", key.bytes())
          .one().getByteBuffer(0);
      bytes += Resources.textBytes(BinaryCodec.decodeResource(resource));
    }
    return bytes;
  }

  @Test
  void purgeDeletesTheWordRowsOfWholeSecondsBeforeTheCutAndKeepsTheSpansAfterItFindable() {
    // Before 2001, where only purge tests put data (see TestData), so other tests lose nothing.
    // Noon, so that every span of the test falls on the same day.
    long second = TestData.EPOCH_2001_MICROS - ThreadLocalRandom.current().nextLong(1, 1_000) * Buckets.DAY_MICROS
        + 12 * Buckets.HOUR_MICROS;
    long cut = second + 500_000;
    String word = TestData.word("purge");
    String trace = TestData.traceId();
    String service = TestData.service("purge");
    Span earlier = TestData.checkout(trace, service, second - 2_000_000, word + "@example.com");
    Span sameSecondBefore = TestData.checkout(trace, service, second + 100, word + "@example.com");
    Span sameSecondAfter = TestData.checkout(trace, service, second + 600_000, word + "@example.com");
    storage.writeSpans(List.of(earlier, sameSecondBefore, sameSecondAfter)).join();

    storage.purgeBefore(cut);

    assertThat(storage.searchSpans(SpanQuery.all().withText(word)).items()).containsExactly(sameSecondAfter);
    String ks = config.keyspace();
    List<Long> rowStarts = cql.execute("SELECT start_micros FROM " + ks + ".span_tokens"
        + " WHERE day = ? AND prefix = ? AND shard = ? AND word = ?",
        Buckets.day(second), TokenIndex.partitionPrefix(word), Buckets.tokenShard(trace),
        word).all().stream().map(r -> r.getLong(0)).toList();
    assertThat(rowStarts).as("the earlier second's row is deleted, the cut's second keeps its row")
        .containsExactly(second);
  }

  @Test
  void atALowRateSpansAndWordsGoToTheHourAndDayTablesAndAreFoundAndPurged() {
    // Before the days the other purge tests use (see TestData), so that no purge removes another
    // test's spans; from 11:00, so that one day holds every span.
    long t = dayBefore2001(2_000, 3_000) + 11 * Buckets.HOUR_MICROS;
    String service = TestData.service("low");
    String word = TestData.word("low");
    // One span every ten minutes for three hours.
    List<Span> spans = spaced(service, word, t, 10 * Buckets.MINUTE_MICROS, 18);
    storage.writeSpans(spans.subList(0, 9)).join();
    storage.writeSpans(spans.subList(9, 18)).join();

    List<String> hourRows = new ArrayList<>();
    for (int h = 0; h < 3; h++) {
      TimeBucket hour = TimeBucket.Table.SPANS_BY_HOUR.of(t + h * Buckets.HOUR_MICROS);
      hourRows.addAll(spanRows(hour));
      assertThat(marked(hour)).as("hour " + h + " marked").isTrue();
    }
    assertThat(hourRows).containsExactlyInAnyOrderElementsOf(ids(spans));
    TimeBucket day = TimeBucket.Table.WORDS_BY_DAY.of(t);
    assertThat(wordRows(day, word)).containsExactlyInAnyOrderElementsOf(spans.stream().map(Span::traceId).toList());
    assertThat(marked(day)).isTrue();
    for (Span span : spans) {
      TimeBucket minute = TimeBucket.Table.SPANS_BY_MINUTE.of(span.startMicros());
      TimeBucket tenMinutes = TimeBucket.Table.WORDS_BY_TEN_MINUTES.of(span.startMicros());
      assertThat(spanRows(minute)).as("fine time index").isEmpty();
      assertThat(wordRows(tenMinutes, word)).as("fine text index").isEmpty();
      assertThat(marked(minute) || marked(tenMinutes)).as("fine markers").isFalse();
      assertThat(storage.trace(span.traceId())).containsExactly(span);
    }
    assertFoundOnceInEveryOrder(storage, spans, service, word);

    assertThat(storage.purgeBefore(t + 3 * Buckets.HOUR_MICROS)).isEqualTo(spans.size());

    assertThat(storage.searchSpans(SpanQuery.all().withService(service)).items()).isEmpty();
    assertThat(storage.searchSpans(SpanQuery.all().withText(word)).items()).isEmpty();
    assertThat(storage.trace(spans.get(0).traceId())).isEmpty();
    assertThat(wordRows(day, word)).isEmpty();
    for (int h = 0; h < 3; h++) {
      TimeBucket hour = TimeBucket.Table.SPANS_BY_HOUR.of(t + h * Buckets.HOUR_MICROS);
      assertThat(spanRows(hour)).isEmpty();
      assertThat(marked(hour)).as("an emptied hour is no longer visited").isFalse();
    }
  }

  @Test
  void anHourAndADayPastTheLimitKeepTheirFirstSpansCoarseAndTheRestFineAndFindEachOnceUntilPurged() {
    // Before the other purge tests' days (see TestData); noon, so that one hour holds every span.
    long noon = dayBefore2001(3_000, 4_000) + 12 * Buckets.HOUR_MICROS;
    String service = TestData.service("limit");
    String word = TestData.word("limit");
    // Every 150 s for an hour: 24 minutes, 6 ten-minute buckets.
    List<Span> spans = spaced(service, word, noon, 150_000_000L, 24);
    // Written one at a time in another order than their starts, so that the coarse spans lie
    // between fine ones; the first written again at the end, as a retry would.
    List<Span> written = new ArrayList<>(spans);
    java.util.Collections.shuffle(written, new java.util.Random(7));
    try (CassandraStorage limited = CassandraStorage.create(config.withCoarseLimits(new CoarseLimits(6, 4)))) {
      for (Span span : written) limited.writeSpans(List.of(span)).join();
      limited.writeSpans(List.of(written.get(0))).join();

      TimeBucket hour = TimeBucket.Table.SPANS_BY_HOUR.of(noon);
      TimeBucket day = TimeBucket.Table.WORDS_BY_DAY.of(noon);
      assertThat(spanRows(hour)).containsExactlyInAnyOrderElementsOf(ids(written.subList(0, 6)));
      assertThat(wordRows(day, word)).containsExactlyInAnyOrderElementsOf(
          written.subList(0, 4).stream().map(Span::traceId).toList());
      List<Span> fine = new ArrayList<>(written.subList(6, written.size()));
      fine.add(written.get(0));
      List<Span> fineWords = new ArrayList<>(written.subList(4, written.size()));
      fineWords.add(written.get(0));
      List<String> minuteRows = new ArrayList<>();
      List<String> tenMinuteRows = new ArrayList<>();
      for (TimeBucket minute : buckets(spans, TimeBucket.Table.SPANS_BY_MINUTE)) {
        minuteRows.addAll(spanRows(minute));
        assertThat(marked(minute)).as("marked if it holds a fine span")
            .isEqualTo(buckets(fine, TimeBucket.Table.SPANS_BY_MINUTE).contains(minute));
      }
      for (TimeBucket tenMinutes : buckets(spans, TimeBucket.Table.WORDS_BY_TEN_MINUTES)) {
        tenMinuteRows.addAll(wordRows(tenMinutes, word));
        assertThat(marked(tenMinutes)).isEqualTo(buckets(fineWords, TimeBucket.Table.WORDS_BY_TEN_MINUTES)
            .contains(tenMinutes));
      }
      assertThat(minuteRows).as("the rest, and the retry").containsExactlyInAnyOrderElementsOf(ids(fine));
      assertThat(tenMinuteRows).containsExactlyInAnyOrderElementsOf(fineWords.stream().map(Span::traceId).toList());
      assertThat(marked(hour) && marked(day)).isTrue();
      for (Span span : spans) assertThat(limited.trace(span.traceId())).containsExactly(span);
      assertFoundOnceInEveryOrder(limited, spans, service, word);

      long cut = noon + 30 * Buckets.MINUTE_MICROS;
      List<Span> kept = spans.stream().filter(s -> s.startMicros() >= cut).toList();
      assertThat(limited.purgeBefore(cut)).as("the retried span counts once").isEqualTo(spans.size() - kept.size());

      assertFoundOnceInEveryOrder(limited, kept, service, word);
      assertThat(spanRows(hour)).containsExactlyInAnyOrderElementsOf(
          ids(written.subList(0, 6).stream().filter(s -> s.startMicros() >= cut).toList()));

      limited.purgeBefore(noon + Buckets.DAY_MICROS);

      assertThat(limited.searchSpans(SpanQuery.all().withService(service)).items()).isEmpty();
      assertThat(limited.searchSpans(SpanQuery.all().withText(word)).items()).isEmpty();
      assertThat(spanRows(hour)).isEmpty();
      assertThat(wordRows(day, word)).isEmpty();
      assertThat(marked(hour) || marked(day)).as("emptied hour and day markers").isFalse();
      for (TimeBucket minute : buckets(spans, TimeBucket.Table.SPANS_BY_MINUTE)) {
        assertThat(spanRows(minute)).isEmpty();
        assertThat(marked(minute)).isFalse();
      }
      for (TimeBucket tenMinutes : buckets(spans, TimeBucket.Table.WORDS_BY_TEN_MINUTES)) {
        assertThat(wordRows(tenMinutes, word)).isEmpty();
        assertThat(marked(tenMinutes)).isFalse();
      }
    }
  }

  /** The start of a random day between {@code fromDays} and {@code toDays} (exclusive) before 2001. */
  private static long dayBefore2001(long fromDays, long toDays) {
    return TestData.EPOCH_2001_MICROS - ThreadLocalRandom.current().nextLong(fromDays, toDays) * Buckets.DAY_MICROS;
  }

  /**
   * Spans of the service, each its own trace, {@code step} apart (plus a microsecond each) from
   * {@code start}, noting the word; their durations (distinct, as 5 and {@code count} must be
   * coprime) in another order than their starts.
   */
  private static List<Span> spaced(String service, String word, long start, long step, int count) {
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      spans.add(TestData.span(service, start + i * step + i)
          .durationMicros(1_000 + (i * 5 % count) * 100).attribute("note", word + " spaced").build());
    }
    return spans;
  }

  /**
   * Pages of 5 by service and by text, newest and oldest first, longest and shortest first: each
   * returns exactly the spans, in order.
   */
  private static void assertFoundOnceInEveryOrder(CassandraStorage store, List<Span> spans, String service,
      String word) {
    for (SpanSort sort : List.of(SpanSort.NEWEST, SpanSort.OLDEST, SpanSort.LONGEST, SpanSort.SHORTEST)) {
      List<Span> expected = new ArrayList<>(spans);
      expected.sort(new SpanOrder(sort).spans());
      for (SpanQuery query : List.of(SpanQuery.all().withService(service), SpanQuery.all().withText(word))) {
        assertThat(allPages(store, query.withSort(sort).withLimit(5)))
            .as(sort + " " + (query.text() == null ? "by service" : "by text")).containsExactlyElementsOf(expected);
      }
    }
  }

  private static List<Span> allPages(CassandraStorage store, SpanQuery query) {
    List<Span> paged = new ArrayList<>();
    String cursor = null;
    do {
      Page<Span> page = store.searchSpans(query.withCursor(cursor));
      paged.addAll(page.items());
      cursor = page.nextCursor();
    } while (cursor != null);
    return paged;
  }

  private static List<String> ids(List<Span> spans) {
    return spans.stream().map(s -> s.traceId() + ":" + s.spanId()).toList();
  }

  /** The distinct buckets of the table that hold the spans' starts. */
  private static List<TimeBucket> buckets(List<Span> spans, TimeBucket.Table table) {
    return spans.stream().map(s -> table.of(s.startMicros())).distinct().toList();
  }

  /** The ids of the time index rows of a bucket, over its shards. */
  private static List<String> spanRows(TimeBucket bucket) {
    List<String> ids = new ArrayList<>();
    for (int shard = 0; shard < bucket.table().shards; shard++) {
      for (Row r : cql.execute("SELECT trace_id, span_id FROM " + config.keyspace() + "." + bucket.table().name
          + " WHERE " + bucket.table().column + " = ? AND shard = ?", bucket.number(), shard)) {
        ids.add(r.getString(0) + ":" + r.getString(1));
      }
    }
    return ids;
  }

  /** The trace ids of the text index rows of the word in a bucket, over its shards. */
  private static List<String> wordRows(TimeBucket bucket, String word) {
    List<String> traces = new ArrayList<>();
    for (int shard = 0; shard < bucket.table().shards; shard++) {
      for (Row r : cql.execute("SELECT trace_id FROM " + config.keyspace() + "." + bucket.table().name + " WHERE "
          + bucket.table().column + " = ? AND prefix = ? AND shard = ? AND word = ?", bucket.number(),
          TokenIndex.partitionPrefix(word), shard, word)) {
        traces.add(r.getString(0));
      }
    }
    return traces;
  }

  private static boolean marked(TimeBucket bucket) {
    return cql.execute("SELECT bucket FROM " + config.keyspace() + ".buckets WHERE kind = ? AND bucket = ?",
        bucket.table().marker, bucket.number()).one() != null;
  }
}
