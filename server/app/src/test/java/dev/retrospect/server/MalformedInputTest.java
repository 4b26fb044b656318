package dev.retrospect.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile and broken input on every endpoint: each gets a clear 4xx (or a partial success that
 * says why), and the server stays healthy and keeps its data.
 */
class MalformedInputTest extends RunningServer {
  static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String SESSION = "5e55105e55105e55105e55105e55105e";

  @BeforeAll
  static void storeASentinel() {
    HttpResponse<String> r = postOtlpJson(server.otlpHttp(), OtlpJson.request(OtlpJson.span(TRACE, "00f067aa0ba902b7", "sentinel")));
    assertThat(r.statusCode()).isEqualTo(200);
  }

  @AfterEach
  void serverIsStillHealthyAndKeepsItsData() {
    assertThat(server.get("/health").statusCode()).isEqualTo(200);
    assertThat(server.getJson("/api/spans?q=sentinel").get("spans")).hasSize(1);
  }

  @Test
  void garbageProtobufIsRefusedWith400() {
    HttpResponse<String> r = server.post(server.otlpHttp() + "/v1/traces", "application/x-protobuf",
        "this is not protobuf at all".getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).isEqualTo(400);
  }

  @Test
  void truncatedProtobufIsRefusedWith400() {
    byte[] whole = OtlpJson.protobufRequest(TRACE, "truncated");
    HttpResponse<String> r = server.post(server.otlpHttp() + "/v1/traces", "application/x-protobuf",
        Arrays.copyOf(whole, whole.length - 7));
    assertThat(r.statusCode()).isEqualTo(400);
  }

  @Test
  void garbageJsonIsRefusedWith400AndAReason() {
    HttpResponse<String> r = server.post(server.otlpHttp() + "/v1/traces", "application/json",
        "{\"resourceSpans\": [{".getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(TestServer.json(r.body()).get("error").asText()).startsWith("body is not valid JSON");
  }

  @Test
  void deeplyNestedJsonIsRefusedWith400() {
    String nested = "[".repeat(5000) + "]".repeat(5000);
    HttpResponse<String> r = server.post(server.otlpHttp() + "/v1/traces", "application/json",
        ("{\"resourceSpans\": " + nested + "}").getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).isEqualTo(400);
  }

  @Test
  void wrongContentTypeIsRefusedWith415() {
    HttpResponse<String> r = server.post(server.otlpHttp() + "/v1/traces", "text/xml", "<spans/>".getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).isEqualTo(415);
    HttpResponse<String> encoding = server.post(server.otlpHttp() + "/v1/traces", "application/json",
        "{}".getBytes(StandardCharsets.UTF_8), "Content-Encoding", "br");
    assertThat(encoding.statusCode()).isEqualTo(415);
  }

  @Test
  void fiftyMegabyteBodyIsRefusedWith413BeforeItIsRead() {
    byte[] body = new byte[50 * 1024 * 1024];
    // With Expect: 100-continue the server answers from the headers alone: the body is never sent.
    HttpResponse<String> r = server.send(HttpRequest.newBuilder(URI.create(server.otlpHttp() + "/v1/traces"))
        .expectContinue(true)
        .header("Content-Type", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(r.body()).contains("larger than the limit of 8388608 bytes");
  }

  @Test
  void fiftyMegabyteChunkedBodyIsCutOffWith413() {
    WebClient client = WebClient.of(server.otlpHttp());
    // A streamed body of unknown length: Armeria stops reading at the cap.
    byte[] megabyte = new byte[1024 * 1024];
    com.linecorp.armeria.common.HttpData[] chunks = new com.linecorp.armeria.common.HttpData[50];
    Arrays.fill(chunks, com.linecorp.armeria.common.HttpData.wrap(megabyte));
    AggregatedHttpResponse r = client.execute(com.linecorp.armeria.common.HttpRequest.of(
        RequestHeaders.of(HttpMethod.POST, "/v1/traces", com.linecorp.armeria.common.HttpHeaderNames.CONTENT_TYPE, "application/x-protobuf"),
        com.linecorp.armeria.common.stream.StreamMessage.of(chunks))).aggregate().join();
    assertThat(r.status().code()).isEqualTo(413);
  }

  @Test
  void gzipBombIsRefusedWith413() throws Exception {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(raw)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 200; i++) gz.write(zeros);
    }
    HttpResponse<String> r = server.post(server.otlpHttp() + "/v1/traces", "application/x-protobuf", raw.toByteArray(),
        "Content-Encoding", "gzip");
    assertThat(r.statusCode()).isEqualTo(413);
  }

  @Test
  void invalidIdsAreAPartialSuccessNamingWhy() {
    HttpResponse<String> r = postOtlpJson(server.otlpHttp(), OtlpJson.request(
        OtlpJson.span("xyz", "00f067aa0ba902b7", "badtrace"),
        OtlpJson.span(TRACE, "0000000000000000", "zerospan"),
        OtlpJson.span(TRACE, "00f067aa0ba902b8", "goodspan")));
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode partial = TestServer.json(r.body()).get("partialSuccess");
    assertThat(partial.get("rejectedSpans").asLong()).isEqualTo(2);
    assertThat(partial.get("errorMessage").asText())
        .contains("traceId must be 32 hex characters, not all zero, got \"xyz\"")
        .contains("spanId must be 16 hex characters, not all zero, got \"0000000000000000\"");
    assertThat(server.getJson("/api/spans?q=goodspan").get("spans")).hasSize(1);
    assertThat(server.getJson("/api/spans?q=badtrace").get("spans")).isEmpty();
  }

  @Test
  void megabyteAttributeValueIsStoredTruncatedAndTheAnswerSaysSo() {
    char[] big = new char[1024 * 1024];
    Arrays.fill(big, 'y');
    String span = OtlpJson.span(TRACE, "00f067aa0ba902b9", "hugevalue", "\"blob\": {\"stringValue\": \"" + new String(big) + "\"}");
    HttpResponse<String> r = postOtlpJson(server.otlpHttp(), OtlpJson.request(span));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(TestServer.json(r.body()).get("partialSuccess").get("errorMessage").asText()).contains("truncated");
    JsonNode stored = server.getJson("/api/spans?q=hugevalue").get("spans").get(0);
    assertThat(stored.get("attributes").get("blob").asText()).hasSize(65536 + "…[truncated]".length());
  }

  @Test
  void garbageGrpcMessageIsRefusedWithANonOkStatus() {
    WebClient client = WebClient.builder("h2c://127.0.0.1:" + server.server.otlpGrpcPort()).build();
    byte[] garbage = "this is not protobuf at all".getBytes(StandardCharsets.UTF_8);
    ByteBuffer frame = ByteBuffer.allocate(5 + garbage.length).put((byte) 0).putInt(garbage.length).put(garbage);
    AggregatedHttpResponse r = client.execute(
        RequestHeaders.builder(HttpMethod.POST, "/opentelemetry.proto.collector.trace.v1.TraceService/Export")
            .contentType(MediaType.parse("application/grpc")).add("te", "trailers").build(),
        frame.array()).aggregate().join();
    String status = r.trailers().get("grpc-status", r.headers().get("grpc-status"));
    assertThat(status).isNotNull().isNotEqualTo("0");
  }

  @Test
  void replayBatchesThatAreBrokenGetClear4xx() {
    String replay = server.ui() + "/v1/replay";
    HttpResponse<String> badSession = server.post(replay, "application/json",
        "{\"sessionId\": \"../../etc\", \"sequence\": 0, \"events\": [{\"type\": 2, \"timestamp\": 1}]}".getBytes(StandardCharsets.UTF_8));
    assertThat(badSession.statusCode()).isEqualTo(400);
    assertThat(badSession.body()).contains("sessionId must be 32 hex characters");
    HttpResponse<String> garbage = server.post(replay, "text/plain", new byte[] {1, 2, 3, (byte) 0xff});
    assertThat(garbage.statusCode()).isEqualTo(400);
    HttpResponse<String> badGzip = server.post(replay, "text/plain", new byte[] {0x1f, (byte) 0x8b, 8, 0, 0});
    assertThat(badGzip.statusCode()).isEqualTo(400);
    assertThat(badGzip.body()).contains("not valid gzip");
    HttpResponse<String> wrongType = server.post(replay, "application/xml", "<x/>".getBytes(StandardCharsets.UTF_8));
    assertThat(wrongType.statusCode()).isEqualTo(415);
    HttpResponse<String> tooLarge = server.send(HttpRequest.newBuilder(URI.create(replay)).expectContinue(true)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(new byte[9 * 1024 * 1024])));
    assertThat(tooLarge.statusCode()).isEqualTo(413);
  }

  @Test
  void badQueryParametersGet400NamingTheParameterAndValue() {
    assertBadRequest("/api/spans?limit=abc", "limit must be a whole number from 1 to 1000, got \"abc\"");
    assertBadRequest("/api/spans?limit=0", "limit");
    assertBadRequest("/api/spans?limit=5000", "limit");
    assertBadRequest("/api/spans?status=5x", "status must be an HTTP code (503), a class (5xx) or error, got \"5x\"");
    assertBadRequest("/api/spans?from=-1", "from must be a whole number of microseconds ≥ 0, got \"-1\"");
    assertBadRequest("/api/spans?from=10&to=5", "to must not be before from");
    assertBadRequest("/api/spans?minDuration=fast", "minDuration");
    assertBadRequest("/api/spans?sort=random", "sort must be newest, oldest, longest or shortest");
    assertBadRequest("/api/spans/export?format=xlsx", "format must be csv or json");
    assertBadRequest("/api/sessions?errors=maybe", "errors must be true or false");
    assertBadRequest("/api/traces/abc", "traceId must be 32 hex characters");
    assertBadRequest("/api/chapters/" + enc("' OR 1=1 --"), "chapterId must be 32 hex characters");
    assertBadRequest("/api/sessions/" + SESSION + "/events?from=x", "from");
  }

  @Test
  void injectionStringsAreSearchedForAsTextAndHarmNothing() {
    for (String hostile : new String[] {"' OR 1=1 --", "\"; DROP TABLE spans; --", "x) OR (1=1", "*", "NEAR(a b)", "%_\\", "\u0000"}) {
      for (String param : new String[] {"q", "service", "cursor"}) {
        HttpResponse<String> r = server.get("/api/spans?" + param + "=" + enc(hostile));
        assertThat(r.statusCode()).as(param + "=" + hostile).isIn(200, 400);
        if (r.statusCode() == 200) assertThat(TestServer.json(r.body()).get("spans")).isEmpty();
      }
      assertThat(server.get("/api/sessions?q=" + enc(hostile)).statusCode()).isIn(200, 400);
    }
  }

  @Test
  void unknownIdsAndPathsGet404() {
    assertThat(server.get("/api/traces/" + "1".repeat(32)).statusCode()).isEqualTo(404);
    assertThat(server.get("/api/chapters/" + "2".repeat(32)).statusCode()).isEqualTo(404);
    assertThat(server.get("/api/sessions/" + "3".repeat(32)).statusCode()).isEqualTo(404);
    assertThat(server.get("/api/sessions/" + "3".repeat(32) + "/events").statusCode()).isEqualTo(404);
    HttpResponse<String> unknown = server.get("/api/nothing-here");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(TestServer.json(unknown.body()).get("error").asText()).contains("/api/nothing-here");
  }

  @Test
  void staticFilesCannotBeReachedByPathTraversal() {
    for (String path : new String[] {"/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd", "/ui/../../pom.xml"}) {
      HttpResponse<String> r = server.send(HttpRequest.newBuilder(URI.create(server.ui() + path)).GET());
      assertThat(r.body()).as(path).doesNotContain("root:").doesNotContain("<modelVersion>");
    }
  }

  private static void assertBadRequest(String path, String message) {
    HttpResponse<String> r = server.get(path);
    assertThat(r.statusCode()).as(path).isEqualTo(400);
    assertThat(TestServer.json(r.body()).get("error").asText()).as(path).contains(message);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static HttpResponse<String> postOtlpJson(String base, String json) {
    return server.post(base + "/v1/traces", "application/json", json.getBytes(StandardCharsets.UTF_8));
  }
}
