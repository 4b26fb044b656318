package dev.retrospect.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server in its own JVM with {@code -Xmx384m} (the benchmark's heap and bin/retrospect's
 * default), holding large replay sessions that many clients read at once: it answers some reads in
 * full, sheds the rest with 503 and Retry-After, and never runs out of memory. Before queries had a
 * memory budget, this load made the server answer 500 with OutOfMemoryError.
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

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void manyConcurrentLargeReplayReadsDoNotExhaustA384MbHeap(@TempDir Path dataDir) throws Exception {
    try (ChildServer server = ChildServer.start(dataDir, "384m")) {
      String base = "http://127.0.0.1:" + server.uiPort;
      List<String> sessions = new ArrayList<>();
      for (int s = 0; s < SESSIONS; s++) {
        String session = String.format("%032x", 0x5ea9L << 16 | s);
        sessions.add(session);
        for (int b = 0; b < BATCHES_PER_SESSION; b++) {
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/replay"))
              .header("Content-Type", "application/json").header("Content-Encoding", "gzip")
              .timeout(Duration.ofSeconds(60))
              .POST(HttpRequest.BodyPublishers.ofByteArray(ReplayAndQueryTest.gzip(batch(session, b)))).build(),
              HttpResponse.BodyHandlers.ofString());
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
      }
      // Each session read alone, the reference its concurrent reads must match byte for byte.
      List<String> expected = new ArrayList<>();
      for (String session : sessions) {
        Answer alone = read(base, session);
        assertThat(alone.status).as(alone.body).isEqualTo(200);
        expected.add(alone.digest);
      }

      int answered = 0;
      int shed = 0;
      List<String> failures = new ArrayList<>();
      long start = System.nanoTime();
      ExecutorService pool = Executors.newFixedThreadPool(READERS);
      for (int round = 0; round < ROUNDS; round++) {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Answer>> reads = new ArrayList<>();
        for (int r = 0; r < READERS; r++) {
          String session = sessions.get(r % SESSIONS);
          reads.add(pool.submit(() -> {
            go.await();
            return read(base, session);
          }));
        }
        go.countDown();
        for (int r = 0; r < READERS; r++) {
          Answer a = reads.get(r).get(180, TimeUnit.SECONDS);
          if (a.status == 200 && a.digest.equals(expected.get(r % SESSIONS))) {
            answered++;
          } else if (a.status == 503 && "1".equals(a.retryAfter)) {
            shed++;
          } else {
            failures.add(a.status + " " + a.body);
          }
        }
      }
      pool.shutdown();
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      System.out.printf("-Xmx384m, %d sessions of %,d events: %d concurrent reads x %d rounds in %,d ms: %d answered in full,"
              + " %d shed with 503, %d other answers%n",
          SESSIONS, BATCHES_PER_SESSION * EVENTS_PER_BATCH, READERS, ROUNDS, millis, answered, shed, failures.size());
      assertThat(server.output()).as("the server's output").doesNotContain("OutOfMemoryError");
      assertThat(failures).as("answers other than a complete 200 or a 503 with Retry-After").isEmpty();
      assertThat(answered).isGreaterThan(0);
      assertThat(server.process.isAlive()).isTrue();
      HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
    }
  }

  /** One events read; the answer's bytes are digested as they arrive, not kept. */
  private Answer read(String base, String session) throws IOException, InterruptedException {
    HttpResponse<InputStream> r;
    try {
      r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/sessions/" + session + "/events"))
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
        if (head.length() < 300) head.append(new String(buf, 0, Math.min(n, 300), java.nio.charset.StandardCharsets.UTF_8));
      }
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
