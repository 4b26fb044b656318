package dev.retrospect.store.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.retrospect.contract.TestData;
import dev.retrospect.core.Chapter;
import dev.retrospect.core.ReplayBatch;
import dev.retrospect.core.SessionInfo;
import dev.retrospect.core.Span;
import dev.retrospect.core.StorageOverloadedException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
        local.consistency(), Replication.perDatacenter(Map.of("datacenter1", 1)), 7, 20_000, true, null, null);
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
    for (String table : List.of("spans", "span_index", "span_tokens", "replay_batches", "chapters_by_session")) {
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
        Buckets.hour(span.startMicros()), Buckets.spanShard(span.traceId(), span.spanId()))
        .one().getInt(0)).isBetween(week - 60, week);
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
}
