package dev.retrospect.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may read and who may write: read credentials guard the UI, the query API and /metrics;
 * write-only keys guard browser ingest and never open reads; a bearer token guards OTLP ingest;
 * without read credentials the UI port never listens beyond loopback.
 */
class AccessTest {
  static final String SESSION = "acce55acce55acce55acce55acce55ac";
  static final String TRACE = "acce55acce55acce55acce55acce55ad";

  @TempDir static Path dataDir;
  static TestServer server;

  @BeforeAll
  static void start() {
    server = new TestServer(dataDir, "--ui-user=ada", "--ui-password=correct horse", "--api-token=t0ken",
        "--ingest-keys=pk_shop, pk_blog", "--otlp-token=otlp-secret", "--cors-origins=http://shop.example");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void readsNeedTheUserAndPasswordOrTheToken() {
    for (String path : List.of("/api/spans", "/api/services", "/api/sessions", "/metrics", "/", "/sessions/x")) {
      HttpResponse<String> anonymous = server.get(path);
      assertThat(anonymous.statusCode()).as(path).isEqualTo(401);
      assertThat(anonymous.headers().firstValue("www-authenticate")).as(path).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
    }
    assertThat(get("/api/services", basic("ada", "correct horse")).statusCode()).isEqualTo(200);
    assertThat(get("/metrics", basic("ada", "correct horse")).statusCode()).isEqualTo(200);
    assertThat(get("/api/services", "Bearer t0ken").statusCode()).isEqualTo(200);
    assertThat(get("/api/services", basic("ada", "wrong")).statusCode()).isEqualTo(401);
    assertThat(get("/api/services", basic("eve", "correct horse")).statusCode()).isEqualTo(401);
    assertThat(get("/api/services", "Bearer t0ke").statusCode()).isEqualTo(401);
    assertThat(get("/api/services", "Basic !!!notbase64").statusCode()).isEqualTo(401);
  }

  @Test
  void healthNeedsNoCredentials() {
    assertThat(server.get("/health").statusCode()).isEqualTo(200);
  }

  @Test
  void browserIngestNeedsAKeyByQueryParameterOrHeader() {
    byte[] batch = ReplayAndQueryTest.batch(SESSION, 0, List.of(ReplayAndQueryTest.event(2, 1_764_150_000_000L)), "")
        .getBytes(StandardCharsets.UTF_8);
    assertThat(server.post(server.ui() + "/v1/replay", "text/plain", batch).statusCode()).isEqualTo(401);
    assertThat(server.post(server.ui() + "/v1/replay?key=pk_wrong", "text/plain", batch).statusCode()).isEqualTo(401);
    assertThat(server.post(server.ui() + "/v1/replay?key=pk_shop", "text/plain", batch).statusCode()).isEqualTo(200);
    assertThat(server.post(server.ui() + "/v1/replay", "text/plain", batch, "X-Retrospect-Key", "pk_blog").statusCode()).isEqualTo(200);

    byte[] spans = OtlpJson.request(OtlpJson.span(TRACE, "00f067aa0ba90201", "keyedbuyer")).getBytes(StandardCharsets.UTF_8);
    assertThat(server.post(server.ui() + "/v1/traces", "application/json", spans).statusCode()).isEqualTo(401);
    assertThat(server.post(server.ui() + "/v1/traces?key=pk_shop", "application/json", spans).statusCode()).isEqualTo(200);
    assertThat(get("/api/spans?q=keyedbuyer", "Bearer t0ken").body()).contains("keyedbuyer");
  }

  @Test
  void anIngestKeyNeverGrantsReads() {
    assertThat(server.get("/api/spans?key=pk_shop").statusCode()).isEqualTo(401);
    assertThat(get("/api/spans", "Bearer pk_shop").statusCode()).isEqualTo(401);
    assertThat(server.send(HttpRequest.newBuilder(URI.create(server.ui() + "/api/spans"))
        .header("X-Retrospect-Key", "pk_shop").GET()).statusCode()).isEqualTo(401);
  }

  @Test
  void corsAllowListLetsTheShopSendItsKeyHeader() {
    HttpResponse<String> preflight = server.send(HttpRequest.newBuilder(URI.create(server.ui() + "/v1/replay"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", "http://shop.example")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type, x-retrospect-key"));
    assertThat(preflight.headers().firstValue("access-control-allow-origin")).hasValue("http://shop.example");
    assertThat(preflight.headers().firstValue("access-control-allow-headers").orElse("").toLowerCase())
        .contains("x-retrospect-key");
    HttpResponse<String> evil = server.send(HttpRequest.newBuilder(URI.create(server.ui() + "/v1/replay"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", "http://evil.example")
        .header("Access-Control-Request-Method", "POST"));
    assertThat(evil.headers().firstValue("access-control-allow-origin")).isEmpty();
  }

  @Test
  void otlpHttpNeedsTheBearerToken() {
    byte[] spans = OtlpJson.request(OtlpJson.span(TRACE, "00f067aa0ba90202", "otlptokenbuyer")).getBytes(StandardCharsets.UTF_8);
    String url = server.otlpHttp() + "/v1/traces";
    assertThat(server.post(url, "application/json", spans).statusCode()).isEqualTo(401);
    assertThat(server.post(url, "application/json", spans, "Authorization", "Bearer nope").statusCode()).isEqualTo(401);
    assertThat(server.post(url + "?key=pk_shop", "application/json", spans).statusCode()).isEqualTo(401);
    assertThat(server.post(url, "application/json", spans, "Authorization", "Bearer otlp-secret").statusCode()).isEqualTo(200);
  }

  @Test
  void otlpGrpcExporterWithTheTokenIsStoredAndWithoutIsNot() {
    export(OtlpGrpcSpanExporter.builder().setEndpoint(server.otlpGrpc()).build(), "grpcanonymous");
    export(OtlpGrpcSpanExporter.builder().setEndpoint(server.otlpGrpc())
        .addHeader("Authorization", "Bearer otlp-secret").build(), "grpcauthorized");
    assertThat(get("/api/spans?q=grpcauthorized", "Bearer t0ken").body()).contains("grpcauthorized");
    assertThat(get("/api/spans?q=grpcanonymous", "Bearer t0ken").body()).doesNotContain("grpcanonymous");
  }

  @Test
  void withoutReadCredentialsTheUiPortStaysOnLoopbackEvenWhenAskedForAllInterfaces(@TempDir Path otherDir) {
    ServerConfig open = ServerConfig.from(Map.of(), "--bind-address=0.0.0.0");
    assertThat(open.uiBindAddress().isLoopbackAddress()).isTrue();
    assertThat(open.bindAddress().isAnyLocalAddress()).isTrue();
    ServerConfig guarded = ServerConfig.from(Map.of("RETROSPECT_API_TOKEN", "t"), "--bind-address=0.0.0.0");
    assertThat(guarded.uiBindAddress().isAnyLocalAddress()).isTrue();

    try (TestServer wide = new TestServer(otherDir, "--bind-address=0.0.0.0")) {
      assertThat(wide.server.uiAddress().getAddress().isLoopbackAddress()).isTrue();
      assertThat(wide.get("/api/services").statusCode()).isEqualTo(200);
    }
  }

  private static HttpResponse<String> get(String path, String authorization) {
    return server.send(HttpRequest.newBuilder(URI.create(server.ui() + path)).header("Authorization", authorization).GET());
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** One server span whose name carries the word, exported through the SDK and flushed. */
  private static void export(SpanExporter exporter, String word) {
    try (SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()) {
      provider.get("test").spanBuilder("GET /" + word).setSpanKind(SpanKind.SERVER).startSpan().end();
      provider.forceFlush().join(10, TimeUnit.SECONDS);
    }
  }
}
