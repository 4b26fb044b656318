package dev.retrospect.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replay ingest from a browser agent's point of view, and the session, chapter and event queries. */
class ReplayAndQueryTest extends RunningServer {
  static final String SESSION = "5e55105e55105e55105e55105e55105e";
  static final String CHAPTER = "c4a97e12c4a97e12c4a97e12c4a97e12";
  static final String TRACE = "7ace7ace7ace7ace7ace7ace7ace7ace";
  /** Epoch milliseconds of the session's first event. */
  static final long T0 = 1_764_150_000_000L;


  @Test
  void retriedBatchIsAcceptedAgainAndStoredOnce() {
    String session = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";
    byte[] batch = batch(session, 0, List.of(event(4, T0), event(2, T0 + 1), event(3, T0 + 100)), "").getBytes(StandardCharsets.UTF_8);
    for (int attempt = 0; attempt < 3; attempt++) {
      HttpResponse<String> r = server.post(server.ui() + "/v1/replay", "application/json", batch);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(TestServer.json(r.body()).get("accepted").asInt()).isEqualTo(3);
    }
    assertThat(server.getJson("/api/sessions/" + session).get("session").get("eventCount").asInt()).isEqualTo(3);
    assertThat(server.getJson("/api/sessions/" + session + "/events").get("events")).hasSize(3);
  }

  @Test
  void gzipBodyIsRecognizedByItsMagicBytesAsSendBeaconSendsIt() throws Exception {
    String session = "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2";
    byte[] gzipped = gzip(batch(session, 0, List.of(event(4, T0), event(2, T0 + 1)), ""));
    HttpResponse<String> r = server.post(server.ui() + "/v1/replay", "text/plain;charset=UTF-8", gzipped);
    assertThat(r.statusCode()).isEqualTo(200);
    HttpResponse<String> withHeader = server.post(server.ui() + "/v1/replay", "application/json",
        gzip(batch(session, 1, List.of(event(3, T0 + 50)), "")), "Content-Encoding", "gzip");
    assertThat(withHeader.statusCode()).isEqualTo(200);
    assertThat(server.getJson("/api/sessions/" + session + "/events").get("events")).hasSize(3);
  }

  @Test
  void sessionChaptersAndTracesAreLinkedWhicheverArrivesFirst() {
    // The back end's span arrives before the browser reports the chapter that started its trace.
    HttpResponse<String> span = server.post(server.otlpHttp() + "/v1/traces", "application/json",
        OtlpJson.request(OtlpJson.span(TRACE, "1111111111111111", "linkbuyer")).getBytes(StandardCharsets.UTF_8));
    assertThat(span.statusCode()).isEqualTo(200);
    String chapter = "{\"chapterId\": \"" + CHAPTER + "\", \"sequence\": 0, \"traceId\": \"" + TRACE + "\","
        + " \"firstEventTime\": " + T0 + ", \"requestTime\": " + (T0 + 4000) + ", \"method\": \"POST\","
        + " \"url\": \"http://shop/api/checkout\", \"status\": 400, \"duration\": 35, \"error\": null}";
    HttpResponse<String> r = server.post(server.ui() + "/v1/replay", "application/json",
        batch(SESSION, 0, List.of(event(4, T0), event(2, T0 + 1), event(3, T0 + 3000)), chapter).getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).isEqualTo(200);

    JsonNode session = server.getJson("/api/sessions/" + SESSION);
    assertThat(session.get("session").get("userEmail").asText()).isEqualTo("ivan@gmail.com");
    assertThat(session.get("chapters")).singleElement().satisfies(c -> assertThat(c.get("traceId").asText()).isEqualTo(TRACE));

    JsonNode byChapter = server.getJson("/api/chapters/" + CHAPTER);
    assertThat(byChapter.get("chapter").get("requestTime").asLong()).isEqualTo((T0 + 4000) * 1000);
    assertThat(byChapter.get("chapter").get("duration").asLong()).isEqualTo(35_000);
    assertThat(byChapter.get("spans")).singleElement().satisfies(s -> assertThat(s.get("traceId").asText()).isEqualTo(TRACE));
    assertThat(byChapter.get("events").get("from").asLong()).isEqualTo(T0 * 1000);
    assertThat(byChapter.get("events").get("to").asLong()).isEqualTo((T0 + 4000) * 1000);

    JsonNode trace = server.getJson("/api/traces/" + TRACE);
    assertThat(trace.get("chapter").get("chapterId").asText()).isEqualTo(CHAPTER);
    assertThat(trace.get("session").get("sessionId").asText()).isEqualTo(SESSION);
    JsonNode found = server.getJson("/api/spans?q=linkbuyer").get("spans").get(0);
    assertThat(found.get("sessionId").asText()).isEqualTo(SESSION);
    assertThat(found.get("chapterId").asText()).isEqualTo(CHAPTER);

    assertThat(server.getJson("/api/sessions?q=ivan").get("sessions"))
        .anySatisfy(s -> assertThat(s.get("sessionId").asText()).isEqualTo(SESSION));
  }

  @Test
  void eventsStartAtTheLastFullSnapshotAtOrBeforeFrom() {
    String session = "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3";
    // Batch 1 arrives before batch 0: order of arrival must not matter.
    post(batch(session, 1, List.of(event(4, T0 + 10_000), event(2, T0 + 10_001), event(3, T0 + 12_000), event(3, T0 + 14_000)), ""));
    post(batch(session, 0, List.of(event(4, T0), event(2, T0 + 1), event(3, T0 + 2_000), event(3, T0 + 4_000)), ""));

    assertThat(timestamps("/api/sessions/" + session + "/events?from=" + micros(T0 + 12_000) + "&to=" + micros(T0 + 14_000)))
        .containsExactly(T0 + 10_000, T0 + 10_001, T0 + 12_000, T0 + 14_000);
    assertThat(timestamps("/api/sessions/" + session + "/events?from=" + micros(T0 + 2_000) + "&to=" + micros(T0 + 3_000)))
        .containsExactly(T0, T0 + 1, T0 + 2_000);
    assertThat(timestamps("/api/sessions/" + session + "/events")).hasSize(8).isSorted();
  }

  @Test
  void exportIsADownloadInCsvOrJson() {
    server.post(server.otlpHttp() + "/v1/traces", "application/json",
        OtlpJson.request(OtlpJson.span("e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4", "2222222222222222", "exportbuyer",
            "\"note\": {\"stringValue\": \"=HYPERLINK(1)\"}")).getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> csv = server.get("/api/spans/export?format=csv&q=exportbuyer");
    assertThat(csv.statusCode()).isEqualTo(200);
    assertThat(csv.headers().firstValue("content-disposition")).hasValueSatisfying(v -> assertThat(v).contains("attachment"));
    String[] lines = csv.body().split("\r\n");
    assertThat(lines).hasSize(2);
    assertThat(lines[0]).startsWith("startTime,traceId,spanId");
    assertThat(lines[1]).contains("e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4").contains("exportbuyer@gmail.com");
    HttpResponse<String> json = server.get("/api/spans/export?format=json&q=exportbuyer");
    assertThat(TestServer.json(json.body()).get("spans")).hasSize(1);
  }

  @Test
  void browsersMayPostIngestFromAnyOriginButNeverReadTheApi() {
    HttpResponse<String> preflight = server.send(HttpRequest.newBuilder(URI.create(server.ui() + "/v1/replay"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", "http://shop.example")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type"));
    assertThat(preflight.headers().firstValue("access-control-allow-origin")).isPresent();
    HttpResponse<String> api = server.send(HttpRequest.newBuilder(URI.create(server.ui() + "/api/services"))
        .header("Origin", "http://shop.example").GET());
    assertThat(api.headers().firstValue("access-control-allow-origin")).isEmpty();
  }

  @Test
  void withAnAllowListOtherOriginsAreRefused(@TempDir Path otherDir) {
    try (TestServer strict = new TestServer(otherDir, "--cors-origins=http://shop.example")) {
      byte[] body = batch("d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4", 0, List.of(event(2, T0)), "").getBytes(StandardCharsets.UTF_8);
      assertThat(strict.post(strict.ui() + "/v1/replay", "text/plain", body, "Origin", "http://evil.example").statusCode()).isEqualTo(403);
      HttpResponse<String> allowed = strict.post(strict.ui() + "/v1/replay", "text/plain", body, "Origin", "http://shop.example");
      assertThat(allowed.statusCode()).isEqualTo(200);
      assertThat(allowed.headers().firstValue("access-control-allow-origin")).hasValue("http://shop.example");
    }
  }

  @Test
  void rootServesTheUiWithDeepLinksFallingBackToItOrSaysItIsNotBuilt() {
    HttpResponse<String> root = server.get("/");
    assertThat(root.statusCode()).isEqualTo(200);
    // The UI module is packed only when npm ran (mvn -Dui.skip packs nothing); both cases must help.
    if (getClass().getClassLoader().getResource("ui/index.html") != null) {
      assertThat(root.body()).contains("<div id=\"root\">");
      HttpResponse<String> deepLink = server.get("/sessions/" + "ab".repeat(16));
      assertThat(deepLink.statusCode()).isEqualTo(200);
      assertThat(deepLink.body()).isEqualTo(root.body());
    } else {
      assertThat(root.body()).contains("not built").contains("/api/services");
    }
  }

  @Test
  void metricsCountWhatWasIngested() {
    post(batch("f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5", 0, List.of(event(2, T0)), ""));
    String metrics = server.get("/metrics").body();
    assertThat(metrics).contains("retrospect_spans_received_total", "retrospect_spans_stored_total",
        "retrospect_write_queue_depth", "retrospect_write_seconds_bucket{le=\"+Inf\"}");
    assertThat(metrics).containsPattern("retrospect_replay_batches_total [1-9]");
  }

  private static List<Long> timestamps(String path) {
    List<Long> out = new ArrayList<>();
    server.getJson(path).get("events").forEach(e -> out.add(e.get("timestamp").asLong()));
    return out;
  }

  private static void post(String batch) {
    HttpResponse<String> r = server.post(server.ui() + "/v1/replay", "application/json", batch.getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  private static long micros(long millis) {
    return millis * 1000;
  }

  static String event(int type, long millis) {
    return "{\"type\": " + type + ", \"data\": {}, \"timestamp\": " + millis + "}";
  }

  static String batch(String session, int sequence, List<String> events, String chapters) {
    return "{\"sessionId\": \"" + session + "\", \"sequence\": " + sequence + ", \"service\": \"shop-web\","
        + " \"session\": {\"userAgent\": \"test\", \"entryUrl\": \"http://shop/\", \"userId\": null, \"userEmail\": \"ivan@gmail.com\"},"
        + " \"events\": [" + String.join(",", events) + "], \"chapters\": [" + chapters + "], \"errorCount\": 0}";
  }

  static byte[] gzip(String text) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }
}
