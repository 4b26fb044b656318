package dev.retrospect.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory budget of queries: many concurrent large replay reads, span exports, trace and chapter
 * reads and search pages against a small budget get some 503 with Retry-After and, asked again,
 * answer as a lone read does; ingest and health keep answering meanwhile; every share comes back,
 * also from clients that hang up; a large read alone is always answered; and everyday searches are
 * not shed.
 */
class QueryMemoryTest {
  private static final int SESSIONS = 4;
  private static final int BATCHES_PER_SESSION = 3;
  private static final int EVENTS_PER_BATCH = 1_000;
  /** Text per event: a session is about 12 MB of events once decompressed. */
  private static final int EVENT_TEXT_BYTES = 4_000;
  private static final int SPANS = 3_000;
  private static final long T0 = 1_764_150_000_000L;
  /** The exported spans start at OtlpJson's fixed time; those ingested during the test an hour later. */
  private static final String EXPORTED = "service=api&to=1764150000000001";
  private static final long LATER_NANOS = 1_764_153_600_000_000_000L;
  private static final String LARGE_TRACE = "1a79e1a79e1a79e1a79e1a79e1a79e1a";
  /** Spans of the large trace, 32 KB each: about 3 MB of spans. */
  private static final int LARGE_TRACE_SPANS = 100;

  @Test
  void largeReadsAndExportsBeyondTheBudgetAreShedWithRetryAfterAndAnswerCompleteWhenRetried(@TempDir Path dataDir) throws Exception {
    // 40 MB: one 12 MB session read (about 33 MB while answered) fits, two at once do not.
    try (TestServer server = new TestServer(dataDir, "--max-query-memory=40000000", "--max-queries-in-flight=64")) {
      List<String> sessions = loadSessions(server);
      loadSpans(server);

      int readers = 16;
      int exporters = 8;
      AtomicInteger shed = new AtomicInteger();
      CountDownLatch go = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(readers + exporters + 1);
      List<Future<HttpResponse<String>>> reads = new ArrayList<>();
      List<Future<HttpResponse<String>>> exports = new ArrayList<>();
      for (int r = 0; r < readers; r++) {
        String session = sessions.get(r % SESSIONS);
        reads.add(pool.submit(() -> {
          go.await();
          return getRetryingWhenShed(server, "/api/sessions/" + session + "/events", shed);
        }));
      }
      for (int e = 0; e < exporters; e++) {
        String format = e % 2 == 0 ? "csv" : "json";
        exports.add(pool.submit(() -> {
          go.await();
          return getRetryingWhenShed(server, "/api/spans/export?format=" + format + "&" + EXPORTED, shed);
        }));
      }
      // While the queries run, ingest and health answer as usual.
      AtomicBoolean querying = new AtomicBoolean(true);
      AtomicInteger ingestedDuring = new AtomicInteger();
      Future<?> ingestAndHealth = pool.submit(() -> {
        for (int i = 0; querying.get() || i < 3; i++) {
          assertThat(server.get("/health").statusCode()).as("health while queries run").isEqualTo(200);
          String traceId = String.format("%032x", 0xd0e1L << 32 | i);
          HttpResponse<String> r = server.post(server.otlpHttp() + "/v1/traces", "application/json",
              OtlpJson.request(OtlpJson.span(traceId, "00000000000000d1", "during" + i, LATER_NANOS)).getBytes(StandardCharsets.UTF_8));
          assertThat(r.statusCode()).as("ingest while queries run: " + r.body()).isEqualTo(200);
          ingestedDuring.incrementAndGet();
          Thread.sleep(20);
        }
        return null;
      });
      go.countDown();

      Map<String, String> answered = new HashMap<>();
      for (int r = 0; r < readers; r++) {
        HttpResponse<String> answer = reads.get(r).get(180, TimeUnit.SECONDS);
        assertCompleteReplay(answer.body());
        answered.put(sessions.get(r % SESSIONS), answer.body());
      }
      for (Future<HttpResponse<String>> f : exports) assertCompleteExport(f.get(180, TimeUnit.SECONDS));
      querying.set(false);
      ingestAndHealth.get(60, TimeUnit.SECONDS);
      pool.shutdown();

      System.out.printf("query memory: %d replay reads and %d exports answered in full after %d answers of 503; %d ingest requests answered meanwhile%n",
          readers, exporters, shed.get(), ingestedDuring.get());
      assertThat(shed.get()).as("answers of 503 for memory").isGreaterThan(0);
      assertThat(server.get("/metrics").body()).contains("retrospect_queries_over_memory_total " + shed.get() + "\n");

      // Clients that hang up while their answer is made give their share back as well.
      for (String session : sessions) hangUpDuring(server, "/api/sessions/" + session + "/events");

      // Each session read alone answers exactly as its concurrent reads did.
      for (String session : sessions) {
        HttpResponse<String> alone = server.get("/api/sessions/" + session + "/events");
        assertThat(alone.statusCode()).as(alone.body()).isEqualTo(200);
        assertThat(answered.get(session)).isEqualTo(alone.body());
      }
      assertCompleteExport(server.get("/api/spans/export?format=csv&" + EXPORTED));
      assertThat(server.getJson("/api/spans?q=during0").get("spans")).hasSize(1);
    }
  }

  @Test
  void largeTraceChapterAndSearchReadsBeyondTheBudgetAreShedAndAnswerAsAloneWhenRetried(@TempDir Path dataDir) throws Exception {
    // 30 MB: a 3 MB trace (about 20 MB while answered) fits once, not twice.
    try (TestServer server = new TestServer(dataDir, "--max-query-memory=30000000", "--max-queries-in-flight=64")) {
      String chapter = loadLargeTrace(server);
      List<String> paths = List.of("/api/traces/" + LARGE_TRACE, "/api/chapters/" + chapter, "/api/spans?limit=1000&service=large",
          "/api/spans?q=item&limit=100&sort=oldest");
      Map<String, String> alone = readAlone(server, paths);
      assertThat(TestServer.json(alone.get(paths.get(0))).get("spans")).hasSize(LARGE_TRACE_SPANS);
      assertThat(TestServer.json(alone.get(paths.get(2))).get("spans")).hasSize(LARGE_TRACE_SPANS);

      AtomicInteger shed = new AtomicInteger();
      readConcurrentlyAsAlone(server, alone, 16, shed);
      System.out.printf("query memory: 16 trace, chapter and search reads answered as alone after %d answers of 503%n", shed.get());
      assertThat(shed.get()).as("answers of 503 for memory").isGreaterThan(0);
      assertThat(server.get("/metrics").body()).contains("retrospect_queries_over_memory_total " + shed.get() + "\n");
      awaitQueryMemoryReserved(server, false);
    }
  }

  @Test
  void sessionAndChapterListsReserveTheirRecordsAndAnswerAsAloneWhenRetried(@TempDir Path dataDir) throws Exception {
    // 1 MB: a page of up to 1,000 sessions reserves 4 MB, a session of 300 chapters 1.2 MB; two do not fit.
    try (TestServer server = new TestServer(dataDir, "--max-query-memory=1000000", "--max-queries-in-flight=64")) {
      String session = String.format("%032x", 0xc4a9L);
      StringBuilder chapters = new StringBuilder();
      for (int c = 0; c < 300; c++) {
        if (c > 0) chapters.append(',');
        chapters.append("{\"chapterId\": \"").append(String.format("%032x", 0xc0000L + c)).append("\", \"sequence\": ").append(c)
            .append(", \"firstEventTime\": ").append(T0 + c).append(", \"url\": \"http://shop/item/").append(c).append("\"}");
      }
      HttpResponse<String> r = server.post(server.ui() + "/v1/replay", "application/json",
          ReplayAndQueryTest.batch(session, 0, List.of(ReplayAndQueryTest.event(2, T0)), chapters.toString()).getBytes(StandardCharsets.UTF_8));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      Map<String, String> alone = readAlone(server, List.of("/api/sessions?limit=1000", "/api/sessions/" + session));
      assertThat(TestServer.json(alone.get("/api/sessions/" + session)).get("chapters")).hasSize(300);

      // Each read is quick: bursts are repeated until two overlapped (without reservations none is ever shed).
      AtomicInteger shed = new AtomicInteger();
      for (int burst = 0; burst < 10 && shed.get() == 0; burst++) readConcurrentlyAsAlone(server, alone, 16, shed);
      assertThat(shed.get()).as("answers of 503 for memory").isGreaterThan(0);
      awaitQueryMemoryReserved(server, false);
    }
  }

  /** Each path read alone: the answers concurrent reads must match. */
  private static Map<String, String> readAlone(TestServer server, List<String> paths) {
    Map<String, String> alone = new LinkedHashMap<>();
    for (String path : paths) {
      HttpResponse<String> r = server.get(path);
      assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
      alone.put(path, r.body());
    }
    return alone;
  }

  /**
   * {@code readers} concurrent reads of the paths in turn, each asked again after a 503 as clients
   * do; each must end answered exactly as when it was read alone.
   */
  private static void readConcurrentlyAsAlone(TestServer server, Map<String, String> alone, int readers, AtomicInteger shed)
      throws Exception {
    List<String> paths = List.copyOf(alone.keySet());
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(readers);
    List<Future<HttpResponse<String>>> reads = new ArrayList<>();
    for (int r = 0; r < readers; r++) {
      String path = paths.get(r % paths.size());
      reads.add(pool.submit(() -> {
        go.await();
        return getRetryingWhenShed(server, path, shed);
      }));
    }
    go.countDown();
    for (int r = 0; r < readers; r++) {
      HttpResponse<String> answer = reads.get(r).get(180, TimeUnit.SECONDS);
      String path = paths.get(r % paths.size());
      assertThat(answer.statusCode()).as(path).isEqualTo(200);
      assertThat(answer.body()).as(path + " answered as when alone").isEqualTo(alone.get(path));
    }
    pool.shutdown();
  }

  @Test
  void aLargeReadAloneIsAnsweredEvenBeyondTheWholeBudget(@TempDir Path dataDir) throws Exception {
    // 1 MB: far less than one session read (about 33 MB) or one export needs.
    try (TestServer server = new TestServer(dataDir, "--max-query-memory=1000000")) {
      List<String> sessions = loadSessions(server);
      loadSpans(server);
      for (String session : sessions) {
        HttpResponse<String> r = server.get("/api/sessions/" + session + "/events");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertCompleteReplay(r.body());
      }
      assertCompleteExport(server.get("/api/spans/export?format=json&" + EXPORTED));
      String chapter = loadLargeTrace(server);
      assertThat(server.getJson("/api/traces/" + LARGE_TRACE).get("spans")).hasSize(LARGE_TRACE_SPANS);
      assertThat(server.getJson("/api/chapters/" + chapter).get("spans")).hasSize(LARGE_TRACE_SPANS);
      assertThat(server.getJson("/api/spans?limit=1000&service=large").get("spans")).hasSize(LARGE_TRACE_SPANS);
      assertThat(server.get("/metrics").body()).contains("retrospect_queries_over_memory_total 0\n");
    }
  }

  @Test
  void everydaySearchesOfSmallSpansRunManyAtOnceWithinTheDefaultBudget(@TempDir Path dataDir) throws Exception {
    // The query budget bin/retrospect's 384 MB heap gets by default: a quarter.
    try (TestServer server = new TestServer(dataDir, "--max-query-memory=" + (384L << 20) / 4)) {
      loadSpans(server);
      ExecutorService pool = Executors.newFixedThreadPool(24);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<Integer>>> readers = new ArrayList<>();
      for (int reader = 0; reader < 24; reader++) {
        readers.add(pool.submit(() -> {
          start.await();
          List<Integer> statuses = new ArrayList<>();
          for (int i = 0; i < 5; i++) statuses.add(server.get("/api/spans?service=api").statusCode());
          return statuses;
        }));
      }
      start.countDown();
      for (Future<List<Integer>> r : readers) assertThat(r.get(60, TimeUnit.SECONDS)).containsOnly(200);
      pool.shutdown();
      assertThat(server.get("/metrics").body()).contains("retrospect_queries_over_memory_total 0\n");
    }
  }

  /**
   * Sends a GET, hangs up once the query holds its share of the budget, and waits until the share
   * is given back.
   */
  private static void hangUpDuring(TestServer server, String pathAndQuery) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.server.httpPort())) {
      socket.getOutputStream().write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      awaitQueryMemoryReserved(server, true);
    }
    awaitQueryMemoryReserved(server, false);
  }

  /** Waits until the queries' memory gauge is above zero, or back at zero. */
  private static void awaitQueryMemoryReserved(TestServer server, boolean reserved) throws InterruptedException {
    Pattern gauge = Pattern.compile("retrospect_memory_reserved_bytes\\{budget=\"queries\"} (\\d+)\n");
    long bytes = -1;
    for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); System.nanoTime() < deadline; Thread.sleep(2)) {
      Matcher m = gauge.matcher(server.get("/metrics").body());
      assertThat(m.find()).as("the gauge in /metrics").isTrue();
      bytes = Long.parseLong(m.group(1));
      if (reserved == bytes > 0) return;
    }
    throw new AssertionError("query memory reserved: " + bytes + " bytes, expected " + (reserved ? "some" : "none"));
  }

  /** A GET that, like a client honouring Retry-After, asks again after a 503; counts the 503s. */
  private static HttpResponse<String> getRetryingWhenShed(TestServer server, String pathAndQuery, AtomicInteger shed)
      throws InterruptedException {
    for (int attempt = 0; attempt < 60; attempt++) {
      HttpResponse<String> answer = server.get(pathAndQuery);
      if (answer.statusCode() != 503) return answer;
      shed.incrementAndGet();
      assertThat(answer.headers().firstValue("retry-after")).contains("1");
      assertThat(TestServer.json(answer.body()).get("error").asText()).contains("memory budget");
      Thread.sleep(1000);
    }
    throw new AssertionError(pathAndQuery + " was answered 503 sixty times in a row");
  }

  /** Every event of the session, in time order, from the Meta event before the first full snapshot. */
  private static void assertCompleteReplay(String body) {
    JsonNode events = TestServer.json(body).get("events");
    assertThat(events).hasSize(BATCHES_PER_SESSION * EVENTS_PER_BATCH);
    assertThat(events.get(0).get("type").asInt()).isEqualTo(4);
    assertThat(events.get(1).get("type").asInt()).isEqualTo(2);
    long previous = 0;
    for (int i = 0; i < events.size(); i++) {
      long t = events.get(i).get("timestamp").asLong();
      assertThat(t).isGreaterThan(previous);
      previous = t;
      assertThat(events.get(i).path("data").path("text").asText()).hasSize(EVENT_TEXT_BYTES);
    }
  }

  private static void assertCompleteExport(HttpResponse<String> answer) {
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    if (answer.headers().firstValue("content-type").orElseThrow().startsWith("text/csv")) {
      assertThat(answer.body().split("\r\n")).as("header and one row per span").hasSize(SPANS + 1);
    } else {
      assertThat(TestServer.json(answer.body()).get("spans")).hasSize(SPANS);
    }
  }

  /** SESSIONS sessions of BATCHES_PER_SESSION gzipped batches, each about 4 MB of events decompressed. */
  static List<String> loadSessions(TestServer server) throws Exception {
    List<String> sessions = new ArrayList<>();
    for (int s = 0; s < SESSIONS; s++) {
      String session = String.format("%032x", 0x5e55L << 16 | s);
      sessions.add(session);
      for (int b = 0; b < BATCHES_PER_SESSION; b++) {
        HttpResponse<String> r = server.post(server.ui() + "/v1/replay", "application/json",
            ReplayAndQueryTest.gzip(largeBatch(session, b)), "Content-Encoding", "gzip");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      }
    }
    return sessions;
  }

  static String largeBatch(String session, int sequence) {
    List<String> events = new ArrayList<>(EVENTS_PER_BATCH);
    for (int i = 0; i < EVENTS_PER_BATCH; i++) {
      int n = sequence * EVENTS_PER_BATCH + i;
      int type = n == 0 ? 4 : n == 1 ? 2 : 3;
      String text = (n + " mutation ").repeat(EVENT_TEXT_BYTES / 10 + 1).substring(0, EVENT_TEXT_BYTES);
      events.add("{\"type\": " + type + ", \"data\": {\"source\": 0, \"text\": \"" + text + "\"}, \"timestamp\": " + (T0 + n) + "}");
    }
    return ReplayAndQueryTest.batch(session, sequence, events, "");
  }

  /**
   * A trace of {@link #LARGE_TRACE_SPANS} spans of service "large", each with a 32 KB response body,
   * and the chapter whose request started it; returns the chapter's id.
   */
  private static String loadLargeTrace(TestServer server) throws Exception {
    String[] spans = new String[LARGE_TRACE_SPANS];
    for (int n = 0; n < spans.length; n++) {
      spans[n] = OtlpJson.span(LARGE_TRACE, String.format("%016x", n + 1L), "large" + n, 1_764_150_000_000_000_000L + n * 1_000L,
          "\"http.response.body\":{\"stringValue\":\"" + ("span " + n + " item ").repeat(4_000).substring(0, 32 * 1024) + "\"}");
    }
    HttpResponse<String> r = server.post(server.otlpHttp() + "/v1/traces", "application/json",
        OtlpJson.request(spans).replace("\"stringValue\": \"api\"", "\"stringValue\": \"large\"").getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String session = String.format("%032x", 0x1a7e5L);
    String chapter = String.format("%032x", 0xc1a7eL);
    String chapters = "{\"chapterId\": \"" + chapter + "\", \"sequence\": 0, \"traceId\": \"" + LARGE_TRACE + "\","
        + " \"firstEventTime\": " + T0 + ", \"requestTime\": " + (T0 + 100) + ", \"method\": \"GET\", \"url\": \"http://shop/\","
        + " \"status\": 200}";
    r = server.post(server.ui() + "/v1/replay", "application/json",
        ReplayAndQueryTest.batch(session, 0, List.of(ReplayAndQueryTest.event(2, T0)), chapters).getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return chapter;
  }

  private static void loadSpans(TestServer server) {
    for (int request = 0; request < SPANS / 500; request++) {
      String[] spans = new String[500];
      for (int i = 0; i < spans.length; i++) {
        int n = request * spans.length + i;
        spans[i] = OtlpJson.span(String.format("%032x", 0xe4907L << 32 | n), String.format("%016x", n + 1L), "export" + n,
            "\"http.response.body\":{\"stringValue\":\"" + "item ".repeat(150) + "\"}");
      }
      HttpResponse<String> r = server.post(server.otlpHttp() + "/v1/traces", "application/json",
          OtlpJson.request(spans).getBytes(StandardCharsets.UTF_8));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
  }
}
