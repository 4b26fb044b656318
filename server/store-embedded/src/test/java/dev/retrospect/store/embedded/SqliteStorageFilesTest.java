package dev.retrospect.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retrospect.contract.TestData;
import dev.retrospect.core.AttributeValue;
import dev.retrospect.core.ReplayBatch;
import dev.retrospect.core.SessionInfo;
import dev.retrospect.core.Span;
import dev.retrospect.core.SpanQuery;
import dev.retrospect.core.StorageOverloadedException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the embedded store promises: its files, schema, write queue and crash safety. */
class SqliteStorageFilesTest {
  @TempDir Path dataDirectory;

  private Connection sideConnection() throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDirectory.resolve(SqliteStorage.FILE_NAME));
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout = 10000");
    }
    return c;
  }

  private static String single(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    }
  }

  @Test
  void migrationsAreAppliedOnceAndRecorded() throws SQLException {
    try (SqliteStorage first = SqliteStorage.open(dataDirectory)) {
      assertThat(first.migrationsApplied()).containsExactly(1, 2, 3, 4, 5);
    }
    try (SqliteStorage again = SqliteStorage.open(dataDirectory)) {
      assertThat(again.migrationsApplied()).isEmpty();
      again.check();
    }
    try (Connection c = sideConnection()) {
      assertThat(single(c, "SELECT group_concat(version || ':' || description) FROM schema_version"))
          .isEqualTo("1:schema,2:vocabulary,3:shared_resources,4:resource_retention,5:write_probe");
    }
  }

  @Test
  void aDatabaseWrittenByANewerSchemaIsRefusedAndLeftAsItWas() throws SQLException {
    Span span = TestData.checkout(TestData.traceId(), TestData.service("api"), TestData.windowStart(), "erin@gmail.com");
    try (SqliteStorage storage = SqliteStorage.open(dataDirectory)) {
      storage.writeSpans(List.of(span)).join();
    }
    try (Connection c = sideConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO schema_version VALUES (99, 'from_the_future', 0)");
    }

    assertThatThrownBy(() -> SqliteStorage.open(dataDirectory))
        .hasMessageContaining("written by a newer Retrospect (schema version 99, this one knows up to 5)")
        .hasMessageContaining(dataDirectory.resolve(SqliteStorage.FILE_NAME).toString());

    try (Connection c = sideConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM schema_version WHERE version = 99");
    }
    try (SqliteStorage storage = SqliteStorage.open(dataDirectory)) {
      assertThat(storage.migrationsApplied()).isEmpty();
      assertThat(storage.trace(span.traceId())).containsExactly(span);
    }
  }

  @Test
  void theResourceOfManySpansIsStoredOnceAndEverySpanReadsBackWithIt() throws SQLException {
    Map<String, AttributeValue> checkout = resource("checkout");
    Map<String, AttributeValue> payment = resource("payment");
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      spans.add(TestData.span(i % 2 == 0 ? "checkout" : "payment", TestData.windowStart() + i)
          .resourceAttributes(i % 2 == 0 ? checkout : payment).build());
    }
    spans.add(TestData.span("bare", TestData.windowStart()).build());
    try (SqliteStorage storage = SqliteStorage.open(dataDirectory)) {
      // Two writes: the second finds the resources the first stored.
      storage.writeSpans(spans.subList(0, 500)).join();
      storage.writeSpans(spans.subList(500, spans.size())).join();
      for (Span span : List.of(spans.get(0), spans.get(1), spans.get(999), spans.get(1_000))) {
        assertThat(storage.trace(span.traceId())).containsExactly(span);
      }
      assertThat(storage.searchSpans(SpanQuery.all().withService("payment").withLimit(1_000)).items())
          .hasSize(500).allMatch(s -> s.resourceAttributes().equals(payment));
    }
    try (Connection c = sideConnection()) {
      assertThat(single(c, "SELECT count(*) FROM resources")).isEqualTo("2");
      assertThat(single(c, "SELECT count(*) FROM spans WHERE resource_id IS NULL")).as("the span without resource attributes").isEqualTo("1");
      // Each resource holds ~2 KB; the span bodies do not carry it.
      assertThat(Integer.parseInt(single(c, "SELECT max(length(body)) FROM spans"))).isLessThan(1_000);
    }
  }

  @Test
  void aSpanStoredWithItsResourceInlineBeforeVersion3StillReadsBack() throws SQLException {
    Span old = TestData.span("legacy", TestData.windowStart()).resourceAttributes(resource("legacy")).build();
    try (SqliteStorage storage = SqliteStorage.open(dataDirectory)) {
      storage.check();
    }
    try (Connection c = sideConnection();
        var insert = c.prepareStatement("INSERT INTO spans (trace_id, span_id, service, start_us, duration_us,"
            + " http_status, is_error, body) VALUES (?, ?, 'legacy', ?, 0, NULL, 0, ?)")) {
      insert.setBytes(1, SpanRow.HEX.parseHex(old.traceId()));
      insert.setBytes(2, SpanRow.HEX.parseHex(old.spanId()));
      insert.setLong(3, old.startMicros());
      insert.setBytes(4, SpanCodec.encode(old));
      insert.executeUpdate();
    }
    try (SqliteStorage storage = SqliteStorage.open(dataDirectory)) {
      assertThat(storage.trace(old.traceId())).containsExactly(old);
    }
  }

  @Test
  void retentionDeletesTheResourcesOfDeletedSpansAndAResourceSentAgainIsStoredAgain() throws SQLException {
    long old = TestData.windowStart();
    long recent = old + 10_000_000;
    Span gone = TestData.span("gone", old).resourceAttributes(resource("gone")).build();
    Span kept = TestData.span("kept", recent).resourceAttributes(resource("kept")).build();
    Span newest = TestData.span("newest", old + 1).resourceAttributes(resource("newest")).build();
    try (SqliteStorage storage = SqliteStorage.open(dataDirectory)) {
      storage.writeSpans(List.of(gone)).join();
      storage.writeSpans(List.of(kept)).join();
      // Stored last, so its resource has the highest id: kept although all its spans are deleted.
      storage.writeSpans(List.of(newest)).join();

      assertThat(storage.purgeBefore(old + 5_000_000)).isEqualTo(2);

      try (Connection c = sideConnection()) {
        assertThat(single(c, "SELECT group_concat(id) FROM (SELECT id FROM resources ORDER BY id)")).isEqualTo("2,3");
      }
      assertThat(storage.trace(kept.traceId())).containsExactly(kept);
      // The writer must not reuse the id it knew for the deleted resource.
      Span back = TestData.span("gone", recent + 1).resourceAttributes(resource("gone")).build();
      storage.writeSpans(List.of(back)).join();
      assertThat(storage.trace(back.traceId())).containsExactly(back);
    }
    try (Connection c = sideConnection()) {
      assertThat(single(c, "SELECT group_concat(id) FROM (SELECT id FROM resources ORDER BY id)")).isEqualTo("2,3,4");
    }
  }

  @Test
  void version4GivesResourcesStoredBeforeItTheLatestStartOfTheirSpans() throws SQLException {
    long start = TestData.windowStart();
    try (SqliteStorage storage = SqliteStorage.open(dataDirectory)) {
      storage.writeSpans(List.of(
          TestData.span("a", start + 7).resourceAttributes(resource("a")).build(),
          TestData.span("a", start + 3).resourceAttributes(resource("a")).build(),
          TestData.span("b", start + 5).resourceAttributes(resource("b")).build())).join();
    }
    // The database as version 3 left it: no last_start_us (and nothing of later versions).
    try (Connection c = sideConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("ALTER TABLE resources DROP COLUMN last_start_us");
      s.executeUpdate("INSERT INTO resources (body) VALUES (x'00')");
      s.executeUpdate("DROP TABLE write_probe");
      s.executeUpdate("DELETE FROM schema_version WHERE version >= 4");
    }
    try (SqliteStorage storage = SqliteStorage.open(dataDirectory)) {
      assertThat(storage.migrationsApplied()).containsExactly(4, 5);
    }
    try (Connection c = sideConnection()) {
      assertThat(single(c, "SELECT group_concat(last_start_us - " + start + ") FROM (SELECT last_start_us FROM resources ORDER BY id)"))
          .as("a: its latest span; b: its only one; a resource no span names: 0").isEqualTo("7,5,-" + start);
    }
  }

  /** What an OpenTelemetry SDK sends about its process: about 2 KB. */
  private static Map<String, AttributeValue> resource(String service) {
    Map<String, AttributeValue> resource = new HashMap<>();
    resource.put("service.name", AttributeValue.string(service));
    resource.put("host.name", AttributeValue.string("shop-" + service + "-7d9f8c6b5-x2x4q"));
    resource.put("process.command_args", AttributeValue.string("[\"java\",\"-javaagent:/otel/opentelemetry-javaagent.jar\","
        + "\"-Xmx512m\",\"-jar\",\"/app/" + service + ".jar\"]" + " ".repeat(1_800)));
    resource.put("telemetry.sdk.language", AttributeValue.string("java"));
    resource.put("telemetry.sdk.version", AttributeValue.string("1.56.0"));
    return resource;
  }

  @Test
  void databaseIsInWalModeInTheDataDirectory() throws SQLException {
    try (SqliteStorage storage = SqliteStorage.open(dataDirectory.resolve("nested/data"))) {
      assertThat(storage.file()).exists().hasFileName("retrospect.db");
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + storage.file())) {
        assertThat(single(c, "PRAGMA journal_mode")).isEqualTo("wal");
        assertThat(single(c, "PRAGMA auto_vacuum")).isEqualTo("2");
      }
    }
  }

  @Test
  void dataSurvivesCloseAndReopen() {
    long t = TestData.windowStart();
    Span span = TestData.checkout(TestData.traceId(), TestData.service("api"), t, "dale@gmail.com");
    String session = TestData.sessionId();
    ReplayBatch batch = TestData.batch(session, 0, t, t + 1_000, 5, List.of(t), List.of(),
        new SessionInfo("shop-web", "ua", "http://shop.local/", null, "dale@gmail.com"), 0);
    try (SqliteStorage storage = SqliteStorage.open(dataDirectory)) {
      storage.writeSpans(List.of(span)).join();
      storage.writeReplay(batch).join();
    }

    try (SqliteStorage reopened = SqliteStorage.open(dataDirectory)) {
      assertThat(reopened.trace(span.traceId())).containsExactly(span);
      assertThat(reopened.searchSpans(SpanQuery.all().withText("dale")).items()).containsExactly(span);
      assertThat(reopened.session(session)).get().extracting(s -> s.eventCount()).isEqualTo(5L);
      assertThat(reopened.replay(session, t, t + 1_000).get(0).events()).isEqualTo(batch.events());
    }
  }

  @Test
  void closeCommitsEverythingQueuedFirst() {
    String service = TestData.service("closing");
    long t = TestData.windowStart();
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    try (SqliteStorage storage = SqliteStorage.open(dataDirectory)) {
      for (int i = 0; i < 50; i++) writes.add(storage.writeSpans(List.of(TestData.span(service, t + i).build())));
    }
    assertThat(writes).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    try (SqliteStorage reopened = SqliteStorage.open(dataDirectory)) {
      assertThat(reopened.searchSpans(SpanQuery.all().withService(service).withLimit(100)).items()).hasSize(50);
    }
  }

  @Test
  void fullQueueRefusesAWriteAtOnceAndStoresNothingOfIt() throws Exception {
    String service = TestData.service("queue");
    long t = TestData.windowStart();
    List<Span> accepted = new ArrayList<>();
    for (int i = 0; i < 8; i++) accepted.add(TestData.span(service, t + i).build());
    List<Span> refused = new ArrayList<>();
    for (int i = 0; i < 5; i++) refused.add(TestData.span(service, t + 100 + i).build());

    try (SqliteStorage storage = SqliteStorage.open(dataDirectory, 10);
        Connection blocker = sideConnection()) {
      // Another connection holds the write lock, so the writer cannot drain the queue.
      try (Statement s = blocker.createStatement()) {
        s.execute("BEGIN IMMEDIATE");
      }
      CompletableFuture<Void> first = storage.writeSpans(accepted);
      CompletableFuture<Void> second = storage.writeSpans(refused);

      assertThat(second).isCompletedExceptionally();
      assertThatThrownBy(second::join).isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(StorageOverloadedException.class);
      assertThat(storage.pendingWrites()).isEqualTo(8);
      assertThat(first).isNotDone();

      try (Statement s = blocker.createStatement()) {
        s.execute("ROLLBACK");
      }
      first.get(10, TimeUnit.SECONDS);
      assertThat(storage.pendingWrites()).isZero();
      assertThat(storage.searchSpans(SpanQuery.all().withService(service).withLimit(100)).items())
          .containsExactlyInAnyOrderElementsOf(accepted);
    }
  }

  @Test
  void aFullDiskRefusesWritesAsRetryLaterSaysSoOnceAndRecoversWhenThereIsRoom() throws Exception {
    String service = TestData.service("diskfull");
    long t = TestData.windowStart();
    List<LogRecord> log = new ArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        synchronized (log) {
          log.add(record);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger writerLog = Logger.getLogger(GroupCommitWriter.class.getName());
    writerLog.addHandler(capture);
    try (SqliteStorage storage = SqliteStorage.open(dataDirectory)) {
      storage.writeSpans(List.of(TestData.span(service, t).build())).join();
      storage.capGrowth(0);

      List<List<Span>> refused = new ArrayList<>();
      for (int b = 0; b < 3; b++) {
        List<Span> batch = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          batch.add(TestData.span(service, t + 1 + b * 1000 + i).attribute("http.request.body", "x".repeat(2_000)).build());
        }
        refused.add(batch);
        assertThatThrownBy(() -> storage.writeSpans(batch).join())
            .isInstanceOf(CompletionException.class)
            .cause().isInstanceOf(StorageOverloadedException.class)
            .hasMessageContaining("is full").hasMessageContaining(dataDirectory.toString());
      }
      assertThatThrownBy(storage::check).hasMessageContaining("is full");
      assertThat(storage.pendingWrites()).isZero();
      for (List<Span> batch : refused) assertThat(storage.trace(batch.get(0).traceId())).isEmpty();
      synchronized (log) {
        assertThat(log).filteredOn(r -> r.getLevel() == Level.SEVERE).singleElement()
            .satisfies(r -> assertThat(r.getMessage()).contains("is full"));
        assertThat(log).filteredOn(r -> r.getLevel() == Level.WARNING).isEmpty();
      }

      storage.capGrowth(1_000_000);
      for (List<Span> batch : refused) storage.writeSpans(batch).join();
      storage.check();
      assertThat(storage.trace(refused.get(0).get(0).traceId())).containsExactly(refused.get(0).get(0));
      assertThat(storage.searchSpans(SpanQuery.all().withService(service).withLimit(1000)).items()).hasSize(601);
      synchronized (log) {
        assertThat(log).filteredOn(r -> r.getLevel() == Level.INFO).singleElement()
            .satisfies(r -> assertThat(r.getMessage()).contains("has room again"));
      }
    } finally {
      writerLog.removeHandler(capture);
    }
  }

  @Test
  void anIdleStoreIsHealthyAgainSoonAfterTheDiskHasRoomWithoutWaitingForAWrite() throws Exception {
    String service = TestData.service("idle");
    long t = TestData.windowStart();
    try (SqliteStorage storage = SqliteStorage.open(dataDirectory)) {
      storage.writeSpans(List.of(TestData.span(service, t).build())).join();
      storage.capGrowth(0);
      Span refused = TestData.span(service, t + 1).attribute("http.request.body", "x".repeat(200_000)).build();
      assertThatThrownBy(() -> storage.writeSpans(List.of(refused)).join())
          .cause().isInstanceOf(StorageOverloadedException.class);

      // The writer's own probes (one a second while idle) keep failing while there is no room.
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2_500);
      while (System.nanoTime() < until) {
        assertThatThrownBy(storage::check).hasMessageContaining("is full");
        Thread.sleep(100);
      }

      // Room again, and no client writes: the next probe commits and the store says so.
      storage.capGrowth(1_000_000);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (true) {
        try {
          storage.check();
          break;
        } catch (IllegalStateException stillFull) {
          if (System.nanoTime() > deadline) throw stillFull;
          Thread.sleep(50);
        }
      }
      assertThat(storage.searchSpans(SpanQuery.all().withService(service).withLimit(10)).items()).hasSize(1);
      try (Connection c = sideConnection()) {
        assertThat(single(c, "SELECT count(*) FROM write_probe")).as("the probe leaves nothing").isEqualTo("0");
      }
    }
  }

  @Test
  void concurrentWritersAndReadersShareTheStore() throws Exception {
    String service = TestData.service("busy");
    String word = TestData.word("busy");
    long t = TestData.windowStart();
    try (SqliteStorage storage = SqliteStorage.open(dataDirectory)) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<?>> jobs = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        int writer = w;
        jobs.add(pool.submit(() -> {
          for (int batch = 0; batch < 25; batch++) {
            List<Span> spans = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
              spans.add(TestData.span(service, t + writer * 1_000_000L + batch * 100L + i).attribute("note", word).build());
            }
            storage.writeSpans(spans).join();
          }
          return null;
        }));
      }
      for (int r = 0; r < 4; r++) {
        jobs.add(pool.submit(() -> {
          for (int i = 0; i < 50; i++) {
            List<Span> page = storage.searchSpans(SpanQuery.all().withText(word).withLimit(100)).items();
            assertThat(page).allMatch(s -> s.service().equals(service));
            page.stream().findFirst().ifPresent(s -> assertThat(storage.trace(s.traceId())).containsExactly(s));
          }
          return null;
        }));
      }
      for (Future<?> job : jobs) job.get(120, TimeUnit.SECONDS);
      pool.shutdown();

      List<Span> all = new ArrayList<>();
      String cursor = null;
      do {
        var page = storage.searchSpans(SpanQuery.all().withService(service).withLimit(1000).withCursor(cursor));
        all.addAll(page.items());
        cursor = page.nextCursor();
      } while (cursor != null);
      assertThat(all).hasSize(4 * 25 * 20).doesNotHaveDuplicates();
      assertThat(storage.pendingWrites()).isZero();
    }
  }

  @Test
  void purgeGivesTheSpaceBackToTheFileSystem() throws Exception {
    try (SqliteStorage storage = SqliteStorage.open(dataDirectory)) {
      String service = TestData.service("bulky");
      long old = TestData.EPOCH_2001_MICROS - 10_000_000_000L;
      String bulk = "lorem ipsum ".repeat(2_000);
      for (int batch = 0; batch < 20; batch++) {
        List<Span> spans = new ArrayList<>();
        for (int i = 0; i < 100; i++) spans.add(TestData.span(service, old + batch * 1000 + i).attribute("bulk", bulk).build());
        storage.writeSpans(spans).join();
      }
      Span kept = TestData.span(service, TestData.windowStart()).build();
      storage.writeSpans(List.of(kept)).join();
      long before = filesSize();

      long deleted = storage.purgeBefore(TestData.EPOCH_2001_MICROS);

      long after = filesSize();
      assertThat(deleted).isEqualTo(2_000);
      assertThat(before).isGreaterThan(40_000_000);
      assertThat(after).as("bytes after purge, %d before", before).isLessThan(before / 4);
      assertThat(storage.trace(kept.traceId())).containsExactly(kept);
    }
  }

  @Test
  void purgeForgetsAServiceWithItsLastSpanAndItComesBackWithANewOne() throws Exception {
    try (SqliteStorage storage = SqliteStorage.open(dataDirectory)) {
      String retired = TestData.service("retired");
      String active = TestData.service("active");
      long old = TestData.EPOCH_2001_MICROS - 10_000_000_000L;
      storage.writeSpans(List.of(
          TestData.span(retired, old).build(),
          TestData.span(active, old).build(),
          TestData.span(active, TestData.windowStart()).build())).join();
      assertThat(storage.services(1_000)).contains(retired, active);

      storage.purgeBefore(TestData.EPOCH_2001_MICROS);

      assertThat(storage.services(1_000)).contains(active).doesNotContain(retired);
      storage.writeSpans(List.of(TestData.span(retired, TestData.windowStart()).build())).join();
      assertThat(storage.services(1_000)).as("the writer must not remember it as listed").contains(retired, active);
    }
  }

  private long filesSize() throws Exception {
    long total = 0;
    try (var files = Files.list(dataDirectory)) {
      for (Path p : files.toList()) total += Files.size(p);
    }
    return total;
  }

  @Test
  void acknowledgedWritesSurviveKillDashNine() throws Exception {
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                AcknowledgingWriter.class.getName(), dataDirectory.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    List<String> acknowledged = new ArrayList<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (acknowledged.size() < 200 && System.nanoTime() < deadline) {
        String line = out.readLine();
        if (line == null) break;
        acknowledged.add(line);
      }
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, mid-write
      child.waitFor(10, TimeUnit.SECONDS);
    }
    assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(50);

    try (SqliteStorage reopened = SqliteStorage.open(dataDirectory)) {
      for (String traceId : acknowledged) {
        assertThat(reopened.trace(traceId)).as("trace %s", traceId).hasSize(50);
      }
    }
  }
}
