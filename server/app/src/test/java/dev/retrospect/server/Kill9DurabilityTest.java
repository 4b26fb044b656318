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
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void everyAcknowledgedSpanSurvivesKill9(@TempDir Path dataDir) throws Exception {
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    ChildServer first = ChildServer.start(dataDir, "256m");
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

    ChildServer second = ChildServer.start(dataDir, "256m");
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
}
