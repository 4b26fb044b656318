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
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Overload: a server with a tiny write queue and in-flight limit, flooded by many concurrent OTLP
 * posts, sheds the excess with 429/503 and Retry-After, stays healthy throughout, stores every span
 * it acknowledged, and takes new writes as soon as the flood stops. A flood of API queries is shed
 * the same way without touching ingest.
 */
class OverloadTest {
  private static final int CLIENTS = 48;
  private static final int SPANS_PER_REQUEST = 100;
  private static final Duration FLOOD = Duration.ofSeconds(4);

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void floodIsShedWith429Or503WhileHealthStaysUpAndNothingAcknowledgedIsLost(@TempDir Path dataDir) throws Exception {
    try (TestServer server = new TestServer(dataDir, "--write-queue=300", "--max-ingest-in-flight=8")) {
      Set<String> acknowledged = ConcurrentHashMap.newKeySet();
      AtomicInteger shed = new AtomicInteger();
      AtomicInteger shedWithoutRetryAfter = new AtomicInteger();
      AtomicInteger otherAnswers = new AtomicInteger();
      AtomicInteger unhealthy = new AtomicInteger();
      AtomicInteger healthChecks = new AtomicInteger();
      AtomicInteger clientsRunning = new AtomicInteger(CLIENTS);

      ExecutorService pool = Executors.newFixedThreadPool(CLIENTS + 1);
      pool.submit(() -> {
        while (clientsRunning.get() > 0) {
          healthChecks.incrementAndGet();
          if (server.get("/health").statusCode() != 200) unhealthy.incrementAndGet();
          sleep(100);
        }
      });
      long end = System.nanoTime() + FLOOD.toNanos();
      List<Future<Void>> clients = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        clients.add(pool.submit(() -> {
          try {
            flood(server, client, end, acknowledged, shed, shedWithoutRetryAfter, otherAnswers);
          } finally {
            clientsRunning.decrementAndGet();
          }
          return null;
        }));
      }
      pool.shutdown();
      assertThat(pool.awaitTermination(FLOOD.toSeconds() + 60, TimeUnit.SECONDS)).isTrue();
      for (Future<Void> f : clients) f.get(); // a client's failure (a dropped connection) fails the test

      System.out.printf("overload: acknowledged %d spans, shed %d requests, %d health checks during the flood%n",
          acknowledged.size(), shed.get(), healthChecks.get());
      assertThat(shed.get()).as("requests answered 429/503").isGreaterThan(0);
      assertThat(shedWithoutRetryAfter.get()).as("429/503 answers without Retry-After").isZero();
      assertThat(otherAnswers.get()).as("answers other than 200/429/503").isZero();
      assertThat(unhealthy.get()).as("/health answers other than 200 during the flood").isZero();
      assertThat(acknowledged).isNotEmpty();

      assertThat(server.get("/health").statusCode()).isEqualTo(200);
      Set<String> lost = new HashSet<>(acknowledged);
      lost.removeAll(storedSpanIds(server));
      assertThat(lost).as("acknowledged spans not stored").isEmpty();

      ExportTraceServiceRequest after = batch(CLIENTS, 0);
      HttpResponse<Void> r = post(server.otlpHttp(), after.toByteArray());
      assertThat(r.statusCode()).as("a write after the flood").isEqualTo(200);
    }
  }

  @Test
  void aFloodOfQueriesIsShedWith503WhileIngestAndHealthKeepAnswering(@TempDir Path dataDir) throws Exception {
    try (TestServer server = new TestServer(dataDir, "--max-queries-in-flight=2")) {
      for (int request = 0; request < 20; request++) {
        assertThat(post(server.otlpHttp(), batch(0, request).toByteArray()).statusCode()).isEqualTo(200);
      }
      int queries = 64;
      CountDownLatch go = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(queries);
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (int q = 0; q < queries; q++) {
        answers.add(pool.submit(() -> {
          go.await();
          // An export of all 2,000 spans as CSV: long enough that the queries overlap.
          return server.get("/api/spans/export?format=csv&service=flood");
        }));
      }
      go.countDown();
      // While the queries flood the API, ingest and health answer as usual.
      for (int request = 20; request < 25; request++) {
        assertThat(post(server.otlpHttp(), batch(0, request).toByteArray()).statusCode()).as("ingest during the flood").isEqualTo(200);
        assertThat(server.get("/health").statusCode()).as("health during the flood").isEqualTo(200);
      }
      int shed = 0;
      for (Future<HttpResponse<String>> f : answers) {
        HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
        if (r.statusCode() == 503) {
          shed++;
          assertThat(r.headers().firstValue("retry-after")).contains("1");
          assertThat(TestServer.json(r.body()).get("error").asText()).contains("too many queries in flight");
        } else {
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(r.body().lines().count()).as("CSV header and one line per span").isGreaterThan(2_000);
        }
      }
      pool.shutdown();
      assertThat(shed).as("queries answered 503").isGreaterThan(0).isLessThan(queries);
      assertThat(server.get("/metrics").body()).contains("retrospect_queries_overloaded_total " + shed + "\n");
      // The permits all came back: the API answers again once the flood is over.
      for (int q = 0; q < 3; q++) {
        assertThat(server.get("/api/spans?service=flood&limit=5").statusCode()).isEqualTo(200);
      }
      assertThat(storedSpanIds(server)).hasSize(25 * SPANS_PER_REQUEST);
    }
  }

  @Test
  void largeRequestsBeyondTheMemoryBudgetAreShedWithRetryAfterAndALoneOneStillGetsIn(@TempDir Path dataDir) throws Exception {
    // 20 MB: three 1 MB bodies fit (6 MB each while decoded), the rest must wait.
    try (TestServer server = new TestServer(dataDir, "--max-ingest-memory=20000000")) {
      int clients = 16;
      CountDownLatch go = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      List<String> traceIds = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        String traceId = String.format("%032x", 0x6d656d0000L + c);
        traceIds.add(traceId);
        byte[] body = largeJsonRequest(traceId, 10, 100_000);
        answers.add(pool.submit(() -> {
          go.await();
          return server.post(server.otlpHttp() + "/v1/traces", "application/json", body);
        }));
      }
      go.countDown();
      int shed = 0;
      for (int c = 0; c < clients; c++) {
        HttpResponse<String> r = answers.get(c).get(60, TimeUnit.SECONDS);
        if (r.statusCode() == 429 || r.statusCode() == 503) {
          shed++;
          assertThat(r.headers().firstValue("retry-after")).contains("1");
          assertThat(r.body()).contains("memory budget");
        } else {
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
          assertThat(server.getJson("/api/traces/" + traceIds.get(c)).get("spans")).hasSize(10);
        }
      }
      pool.shutdown();
      assertThat(shed).as("requests shed by the memory budget").isGreaterThan(0).isLessThan(clients);
      assertThat(server.get("/health").statusCode()).isEqualTo(200);

      // Alone, a request that needs more than the whole budget (4 MB body: 24 MB while decoded) is taken.
      String lone = String.format("%032x", 0x6c6f6e65L);
      HttpResponse<String> r = server.post(server.otlpHttp() + "/v1/traces", "application/json", largeJsonRequest(lone, 40, 100_000));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(server.getJson("/api/traces/" + lone).get("spans")).hasSize(40);
    }
  }

  /** An OTLP JSON request of {@code spans} spans, each with a request body of about {@code valueBytes}. */
  private static byte[] largeJsonRequest(String traceId, int spans, int valueBytes) {
    String[] json = new String[spans];
    for (int i = 0; i < spans; i++) {
      json[i] = OtlpJson.span(traceId, String.format("%016x", i + 1L), "large" + i,
          "\"http.response.body\":{\"stringValue\":\"" + "bulk ".repeat(valueBytes / 5) + "\"}");
    }
    return OtlpJson.request(json).getBytes(StandardCharsets.UTF_8);
  }

  private void flood(TestServer server, int client, long end, Set<String> acknowledged, AtomicInteger shed,
      AtomicInteger shedWithoutRetryAfter, AtomicInteger otherAnswers) {
    for (int request = 0; System.nanoTime() < end; request++) {
      ExportTraceServiceRequest batch = batch(client, request);
      HttpResponse<Void> r = post(server.otlpHttp(), batch.toByteArray());
      if (r == null) return;
      if (r.statusCode() == 200) {
        batch.getResourceSpans(0).getScopeSpans(0).getSpansList()
            .forEach(s -> acknowledged.add(HexFormat.of().formatHex(s.getSpanId().toByteArray())));
      } else if (r.statusCode() == 429 || r.statusCode() == 503) {
        shed.incrementAndGet();
        if (r.headers().firstValue("retry-after").isEmpty()) shedWithoutRetryAfter.incrementAndGet();
      } else {
        otherAnswers.incrementAndGet();
      }
    }
  }

  private HttpResponse<Void> post(String base, byte[] body) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(base + "/v1/traces"))
          .header("Content-Type", "application/x-protobuf")
          .timeout(Duration.ofSeconds(30))
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      throw new AssertionError("the server dropped a connection under load", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static Set<String> storedSpanIds(TestServer server) {
    Set<String> ids = new HashSet<>();
    String cursor = null;
    do {
      JsonNode page = server.getJson("/api/spans?service=flood&limit=1000"
          + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
      page.get("spans").forEach(s -> ids.add(s.get("spanId").asText()));
      cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
    } while (cursor != null);
    return ids;
  }

  /** One trace of SPANS_PER_REQUEST spans; ids encode client and request so that all are distinct. */
  private static ExportTraceServiceRequest batch(int client, int request) {
    ByteBuffer traceId = ByteBuffer.allocate(16).putLong(0x666c6f6f64000000L | client).putLong(request + 1L);
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    long start = System.currentTimeMillis() * 1_000_000L;
    for (int i = 0; i < SPANS_PER_REQUEST; i++) {
      ByteBuffer spanId = ByteBuffer.allocate(8).putShort((short) (client + 1)).putInt(request).putShort((short) i);
      scope.addSpans(Span.newBuilder()
          .setTraceId(ByteString.copyFrom(traceId.array()))
          .setSpanId(ByteString.copyFrom(spanId.array()))
          .setName("GET /flood/" + i)
          .setKind(Span.SpanKind.SPAN_KIND_SERVER)
          .setStartTimeUnixNano(start)
          .setEndTimeUnixNano(start + 1_000_000)
          .addAttributes(KeyValue.newBuilder().setKey("http.request.body")
              .setValue(AnyValue.newBuilder().setStringValue("{\"email\":\"c" + client + "r" + request + "@example.com\"}"))));
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder()
            .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
                .setValue(AnyValue.newBuilder().setStringValue("flood"))))
            .addScopeSpans(scope))
        .build();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
