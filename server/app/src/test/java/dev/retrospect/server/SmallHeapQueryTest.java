package dev.retrospect.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server in its own JVM with {@code -Xmx384m} (the benchmark's heap and bin/retrospect's
 * default), holding large replay sessions and a large trace that many clients read at once: it
 * answers some reads in full, sheds the rest with 503 and Retry-After, never runs out of memory,
 * and keeps answering {@code /health} and ingest. Before queries had a memory budget, replay reads
 * made the server answer 500 with OutOfMemoryError; before trace and search reads reserved from it,
 * those did.
 */
class SmallHeapQueryTest {
  private static final int SESSIONS = 6;
  private static final int BATCHES_PER_SESSION = 3;
  private static final int EVENTS_PER_BATCH = 1_500;
  /** DOM nodes each incremental event adds: about 2.3 KB of rrweb JSON per event, 10 MB per session. */
  private static final int NODES_PER_EVENT = 20;
  /** Concurrent reads per round: the default limit of queries in flight. */
  private static final int READERS = 32;
  private static final int ROUNDS = 3;
  private static final long T0 = 1_764_150_000_000L;

  /** One trace of 1,000 spans, each with a 32 KB response body: a 32 MB trace, and a 32 MB search page. */
  private static final int TRACE_SPANS = 1_000;
  private static final int BODY_CHARS = 32 * 1024;
  private static final String BIG_TRACE = "b16b16b16b16b16b16b16b16b16b16b1";
  private static final Pattern QUERY_MEMORY = Pattern.compile("retrospect_memory_reserved_bytes\\{budget=\"queries\"} (\\d+)\n");

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void manyConcurrentLargeReplayReadsDoNotExhaustA384MbHeap(@TempDir Path dataDir) throws Exception {
    try (ChildServer server = ChildServer.start(dataDir, "384m")) {
      String base = "http://127.0.0.1:" + server.uiPort;
      List<String> paths = new ArrayList<>();
      for (int s = 0; s < SESSIONS; s++) {
        String session = String.format("%032x", 0x5ea9L << 16 | s);
        paths.add("/api/sessions/" + session + "/events");
        for (int b = 0; b < BATCHES_PER_SESSION; b++) {
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/replay"))
              .header("Content-Type", "application/json").header("Content-Encoding", "gzip")
              .timeout(Duration.ofSeconds(60))
              .POST(HttpRequest.BodyPublishers.ofByteArray(ReplayAndQueryTest.gzip(batch(session, b)))).build(),
              HttpResponse.BodyHandlers.ofString());
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
      }
      Outcome outcome = readConcurrently(server, paths);
      System.out.printf("-Xmx384m, %d sessions of %,d events: %s%n", SESSIONS, BATCHES_PER_SESSION * EVENTS_PER_BATCH, outcome);
      outcome.assertSafe(server);
    }
  }

  @Test
  void manyConcurrentLargeTraceAndSearchReadsDoNotExhaustA384MbHeap(@TempDir Path dataDir) throws Exception {
    try (ChildServer server = ChildServer.start(dataDir, "384m")) {
      String base = "http://127.0.0.1:" + server.uiPort;
      int perRequest = 100;
      for (int first = 0; first < TRACE_SPANS; first += perRequest) {
        String[] spans = new String[perRequest];
        for (int i = 0; i < perRequest; i++) {
          int n = first + i;
          String body = ("span " + n + " item ").repeat(BODY_CHARS / 10).substring(0, BODY_CHARS);
          spans[i] = OtlpJson.span(BIG_TRACE, String.format("%016x", n + 1L), "big" + n, 1_764_150_000_000_000_000L + n * 1_000L,
              "\"http.response.body\":{\"stringValue\":\"" + body + "\"}");
        }
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.otlpPort + "/v1/traces"))
            .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofString(OtlpJson.request(spans))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      }
      // The spans ingested while the reads run start an hour later, outside these searches.
      String before = "&to=" + (1_764_150_000_000_000L + 1_000_000);
      List<String> paths = List.of(
          "/api/traces/" + BIG_TRACE,
          "/api/spans?limit=1000" + before,
          "/api/spans?limit=1000&sort=oldest" + before,
          "/api/spans?q=item&limit=500&sort=longest" + before);
      Outcome outcome = readConcurrently(server, paths);
      System.out.printf("-Xmx384m, a trace of %,d spans of %d KB: %s%n", TRACE_SPANS, BODY_CHARS / 1024, outcome);
      outcome.assertSafe(server);
    }
  }

  /**
   * Reads each path alone (the reference), then {@link #ROUNDS} rounds of {@link #READERS}
   * concurrent reads of the paths in turn, while another client polls {@code /health} and ingests
   * small requests; then waits for the queries' memory gauge to come back to zero.
   */
  private Outcome readConcurrently(ChildServer server, List<String> paths) throws Exception {
    String base = "http://127.0.0.1:" + server.uiPort;
    Map<String, String> expected = new LinkedHashMap<>();
    for (String path : paths) {
      Answer alone = read(base, path);
      assertThat(alone.status).as(path + " alone: " + alone.body).isEqualTo(200);
      expected.put(path, alone.digest);
    }

    ExecutorService pool = Executors.newFixedThreadPool(READERS + 1);
    AtomicBoolean reading = new AtomicBoolean(true);
    Future<List<String>> sideTraffic = pool.submit(() -> healthAndIngestWhile(server, reading));
    int answered = 0;
    int shed = 0;
    List<String> failures = new ArrayList<>();
    long start = System.nanoTime();
    try {
      for (int round = 0; round < ROUNDS; round++) {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Answer>> reads = new ArrayList<>();
        for (int r = 0; r < READERS; r++) {
          String path = paths.get(r % paths.size());
          reads.add(pool.submit(() -> {
            go.await();
            return read(base, path);
          }));
        }
        go.countDown();
        for (int r = 0; r < READERS; r++) {
          Answer a = reads.get(r).get(180, TimeUnit.SECONDS);
          if (a.status == 200 && a.digest.equals(expected.get(paths.get(r % paths.size())))) {
            answered++;
          } else if (a.status == 503 && "1".equals(a.retryAfter)) {
            shed++;
          } else {
            failures.add(paths.get(r % paths.size()) + ": " + a.status + " " + a.body);
          }
        }
      }
    } finally {
      reading.set(false);
    }
    List<String> sideFailures = sideTraffic.get(60, TimeUnit.SECONDS);
    pool.shutdown();
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    return new Outcome(READERS, ROUNDS, millis, answered, shed, failures, sideFailures, queryMemoryAtRest(base));
  }

  /** Polls /health and posts a small span every 50 ms until told to stop; returns what failed. */
  private List<String> healthAndIngestWhile(ChildServer server, AtomicBoolean reading) throws InterruptedException {
    List<String> failures = new ArrayList<>();
    String base = "http://127.0.0.1:" + server.uiPort;
    for (int i = 0; reading.get(); i++) {
      try {
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health"))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (health.statusCode() != 200) failures.add("/health " + health.statusCode() + " " + health.body());
        String span = OtlpJson.span(String.format("%032x", 0xd0e1L << 32 | i), "00000000000000d1", "during" + i,
            1_764_153_600_000_000_000L);
        HttpResponse<String> ingest = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.otlpPort + "/v1/traces"))
            .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString(OtlpJson.request(span))).build(), HttpResponse.BodyHandlers.ofString());
        if (ingest.statusCode() != 200) failures.add("ingest " + ingest.statusCode() + " " + ingest.body());
      } catch (IOException e) {
        failures.add("health or ingest: " + e);
      }
      Thread.sleep(50);
    }
    return failures;
  }

  /** The queries' memory gauge once it is back at zero, or what it still shows after 30 s. */
  private long queryMemoryAtRest(String base) throws IOException, InterruptedException {
    long bytes = -1;
    for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); System.nanoTime() < deadline; Thread.sleep(50)) {
      String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      Matcher m = QUERY_MEMORY.matcher(metrics);
      assertThat(m.find()).as("the queries' gauge in /metrics").isTrue();
      bytes = Long.parseLong(m.group(1));
      if (bytes == 0) return 0;
    }
    return bytes;
  }

  private record Outcome(int readers, int rounds, long millis, int answered, int shed, List<String> failures,
      List<String> sideFailures, long reservedAfter) {
    void assertSafe(ChildServer server) {
      assertThat(server.output()).as("the server's output").doesNotContain("OutOfMemoryError");
      assertThat(failures).as("answers other than a complete 200 or a 503 with Retry-After").isEmpty();
      assertThat(sideFailures).as("/health and ingest while the reads ran").isEmpty();
      assertThat(answered).isGreaterThan(0);
      assertThat(server.process.isAlive()).isTrue();
      assertThat(reservedAfter).as("query memory still reserved once every read was answered").isZero();
    }

    @Override
    public String toString() {
      return String.format("%d concurrent reads x %d rounds in %,d ms: %d answered in full, %d shed with 503,"
              + " %d other answers %s; %d failures of /health or ingest meanwhile %s; %d bytes reserved after",
          readers, rounds, millis, answered, shed, failures.size(), firstFew(failures), sideFailures.size(),
          firstFew(sideFailures), reservedAfter);
    }

    private static List<String> firstFew(List<String> failures) {
      return failures.stream().map(f -> f.length() > 160 ? f.substring(0, 160) : f).distinct().limit(3).toList();
    }
  }

  /** One GET; the answer's bytes are digested as they arrive, not kept. */
  private Answer read(String base, String pathAndQuery) throws IOException, InterruptedException {
    HttpResponse<InputStream> r;
    try {
      r = http.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery))
          .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      return new Answer(0, null, null, "connection failed: " + e);
    }
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    StringBuilder head = new StringBuilder();
    try (InputStream in = r.body()) {
      byte[] buf = new byte[65536];
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
        if (head.length() < 300) head.append(new String(buf, 0, Math.min(n, 300), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      return new Answer(0, null, null, "answer cut off: " + e);
    }
    return new Answer(r.statusCode(), HexFormat.of().formatHex(sha.digest()), r.headers().firstValue("retry-after").orElse(null),
        head.length() > 300 ? head.substring(0, 300) : head.toString());
  }

  private record Answer(int status, String digest, String retryAfter, String body) {}

  /** A batch like rrweb's: a Meta and a full snapshot first, then DOM mutations adding list items. */
  private static String batch(String session, int sequence) {
    List<String> events = new ArrayList<>(EVENTS_PER_BATCH);
    for (int i = 0; i < EVENTS_PER_BATCH; i++) {
      int n = sequence * EVENTS_PER_BATCH + i;
      int type = n == 0 ? 4 : n == 1 ? 2 : 3;
      StringBuilder adds = new StringBuilder();
      for (int k = 0; k < NODES_PER_EVENT; k++) {
        if (k > 0) adds.append(',');
        adds.append("{\"parentId\":").append(n).append(",\"nextId\":null,\"node\":{\"type\":2,\"tagName\":\"li\",")
            .append("\"attributes\":{\"class\":\"item-").append(n).append('-').append(k).append("\"},\"childNodes\":[],\"id\":")
            .append(n * NODES_PER_EVENT + k).append("}}");
      }
      events.add("{\"type\":" + type + ",\"data\":{\"source\":0,\"texts\":[],\"attributes\":[],\"removes\":[],\"adds\":["
          + adds + "]},\"timestamp\":" + (T0 + n) + "}");
    }
    return ReplayAndQueryTest.batch(session, sequence, events, "");
  }
}
