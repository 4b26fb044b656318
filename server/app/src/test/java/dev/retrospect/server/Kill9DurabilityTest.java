package dev.retrospect.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durability promise: a span acknowledged with 200 survives {@code kill -9}. The server runs
 * as a child JVM; four threads ingest until it is killed mid-flight; after a restart on the same
 * data directory every acknowledged span is found through the API.
 */
class Kill9DurabilityTest {
  private static final int THREADS = 4;
  private static final int SPANS_PER_REQUEST = 50;
  private static final Pattern OTLP_PORT = Pattern.compile("OTLP/HTTP\\s+http://[^:]+:(\\d+)/");
  private static final Pattern UI_PORT = Pattern.compile("UI and query API\\s+http://[^:]+:(\\d+)/");

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void everyAcknowledgedSpanSurvivesKill9(@TempDir Path dataDir) throws Exception {
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    Child first = Child.start(dataDir);
    AtomicBoolean running = new AtomicBoolean(true);
    CountDownLatch done = new CountDownLatch(THREADS);
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      daemon(() -> {
        try {
          for (int request = 0; running.get(); request++) {
            ExportTraceServiceRequest batch = batch(thread, request);
            try {
              HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + first.otlpPort + "/v1/traces"))
                  .header("Content-Type", "application/x-protobuf")
                  .timeout(Duration.ofSeconds(10))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(batch.toByteArray())).build(), HttpResponse.BodyHandlers.discarding());
              if (r.statusCode() == 200) {
                for (Span s : batch.getResourceSpans(0).getScopeSpans(0).getSpansList()) {
                  acknowledged.add(HexFormat.of().formatHex(s.getSpanId().toByteArray()));
                }
              }
            } catch (IOException e) {
              // the server died mid-request: this batch was never acknowledged
            }
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          done.countDown();
        }
      });
    }
    // Kill once a good number of spans is acknowledged, while requests are certainly in flight.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (acknowledged.size() < 5_000 && System.nanoTime() < deadline) Thread.sleep(20);
    first.process.destroyForcibly(); // SIGKILL on Linux
    first.process.waitFor(10, TimeUnit.SECONDS);
    int acked = acknowledged.size();
    running.set(false);
    done.await(20, TimeUnit.SECONDS);
    assertThat(acked).as("spans acknowledged before the kill").isGreaterThan(0);

    Child second = Child.start(dataDir);
    try {
      Set<String> stored = storedSpanIds(second.uiPort);
      Set<String> lost = new HashSet<>(acknowledged);
      lost.removeAll(stored);
      System.out.printf("kill -9 durability: acknowledged %d spans, stored %d after restart, lost %d%n",
          acknowledged.size(), stored.size(), lost.size());
      assertThat(lost).as("acknowledged spans missing after kill -9 and restart").isEmpty();
      assertThat(stored.size()).isGreaterThanOrEqualTo(acknowledged.size());
    } finally {
      second.process.destroyForcibly();
      second.process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static void daemon(Runnable task) {
    Thread t = new Thread(task);
    t.setDaemon(true);
    t.start();
  }

  /** Every span id of service "kill9", paging through the search API. */
  private Set<String> storedSpanIds(int uiPort) throws Exception {
    Set<String> ids = new HashSet<>();
    String cursor = null;
    do {
      String url = "http://127.0.0.1:" + uiPort + "/api/spans?service=kill9&limit=1000" + (cursor == null ? "" : "&cursor=" + java.net.URLEncoder.encode(cursor, "UTF-8"));
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode page = TestServer.json(r.body());
      page.get("spans").forEach(s -> ids.add(s.get("spanId").asText()));
      cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
    } while (cursor != null);
    return ids;
  }

  /** One trace of SPANS_PER_REQUEST spans; ids encode thread and request so that all are distinct. */
  private static ExportTraceServiceRequest batch(int thread, int request) {
    ByteBuffer traceId = ByteBuffer.allocate(16).putLong(0x6b696c6c39000000L | thread).putLong(request + 1L);
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    long start = System.currentTimeMillis() * 1_000_000L;
    for (int i = 0; i < SPANS_PER_REQUEST; i++) {
      ByteBuffer spanId = ByteBuffer.allocate(8).putShort((short) (thread + 1)).putInt(request).putShort((short) i);
      scope.addSpans(Span.newBuilder()
          .setTraceId(ByteString.copyFrom(traceId.array()))
          .setSpanId(ByteString.copyFrom(spanId.array()))
          .setName("GET /item/" + i)
          .setKind(Span.SpanKind.SPAN_KIND_SERVER)
          .setStartTimeUnixNano(start)
          .setEndTimeUnixNano(start + 1_000_000)
          .addAttributes(KeyValue.newBuilder().setKey("http.request.body")
              .setValue(AnyValue.newBuilder().setStringValue("{\"email\":\"t" + thread + "r" + request + "@example.com\"}"))));
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder()
            .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
                .setValue(AnyValue.newBuilder().setStringValue("kill9"))))
            .addScopeSpans(scope))
        .build();
  }

  /** The server in its own JVM, on ephemeral ports, with the test's classpath. */
  private record Child(Process process, int otlpPort, int uiPort) {
    static Child start(Path dataDir) throws Exception {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
          RetrospectServer.class.getName(), "--data-dir=" + dataDir, "--http-port=0", "--otlp-http-port=0", "--otlp-grpc-port=0"));
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
      int otlp = -1;
      int ui = -1;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while ((otlp < 0 || ui < 0) && System.nanoTime() < deadline) {
        String line = out.readLine();
        if (line == null) break;
        Matcher m = OTLP_PORT.matcher(line);
        if (m.find()) otlp = Integer.parseInt(m.group(1));
        m = UI_PORT.matcher(line);
        if (m.find()) ui = Integer.parseInt(m.group(1));
      }
      if (otlp < 0 || ui < 0) {
        p.destroyForcibly();
        throw new IllegalStateException("the server did not start");
      }
      // Keep draining its output so that it never blocks on a full pipe.
      daemon(() -> out.lines().forEach(l -> { }));
      return new Child(p, otlp, ui);
    }
  }
}
