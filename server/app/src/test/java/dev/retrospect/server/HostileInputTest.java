package dev.retrospect.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.server.Server;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input written to do harm: SQL in every query parameter, path traversal, huge headers and bodies,
 * 10,000 levels of nesting, invalid UTF-8, replay batches with forged session ids. Each is refused
 * or harmlessly answered, and afterwards the server is healthy and its data intact.
 */
class HostileInputTest {
  static final String TRACE = "0b5e55ed0b5e55ed0b5e55ed0b5e55ed";
  static final String SESSION = "5ec7e75ec7e75ec7e75ec7e75ec7e75e";
  static final String CHAPTER = "c4a97e7c4a97e7c4a97e7c4a97e7c4a9";
  static final String ATTACKER = "a77ac7a77ac7a77ac7a77ac7a77ac7a7";
  static final long T0 = 1_764_150_000_000L;
  static final List<String> INJECTIONS = List.of(
      "' OR 1=1 --", "\" OR \"\"=\"", "'; DROP TABLE spans; --", "1; DELETE FROM sessions", "x') UNION SELECT * FROM sessions --",
      "%' OR '%'='", "NEAR(a b)", "\"*\"", "\u0000", "1e999", "9".repeat(40), "..", "null");

  @TempDir static Path dataDir;
  static TestServer server;

  @BeforeAll
  static void start() {
    server = new TestServer(dataDir);
    HttpResponse<String> r = server.post(server.otlpHttp() + "/v1/traces", "application/json",
        OtlpJson.request(OtlpJson.span(TRACE, "00f067aa0ba902b7", "keepsake")).getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @AfterEach
  void serverIsHealthyAndKeepsItsData() {
    assertThat(server.get("/health").statusCode()).isEqualTo(200);
    assertThat(server.getJson("/api/spans?q=keepsake").get("spans")).hasSize(1);
    assertThat(server.getJson("/api/traces/" + TRACE).get("spans")).hasSize(1);
  }

  @Test
  void sqlInEveryQueryParameterOfEveryEndpointFindsNothingAndBreaksNothing() {
    List<String> endpoints = List.of(
        "/api/spans?q=&service=&status=&from=&to=&minDuration=&maxDuration=&sort=&limit=&cursor=",
        "/api/spans/export?q=&service=&status=&from=&to=&minDuration=&maxDuration=&sort=&limit=&cursor=&format=",
        "/api/sessions?q=&from=&to=&errors=&limit=&cursor=",
        "/api/sessions/" + SESSION + "/events?from=&to=",
        "/api/services?q=");
    for (String endpoint : endpoints) {
      String path = endpoint.substring(0, endpoint.indexOf('?'));
      for (String param : endpoint.substring(endpoint.indexOf('?') + 1).split("&")) {
        String name = param.substring(0, param.length() - 1);
        for (String hostile : INJECTIONS) {
          String url = path + "?" + name + "=" + enc(hostile);
          HttpResponse<String> r = server.get(url);
          assertThat(r.statusCode()).as(url).isIn(200, 400, 404);
          if (!name.equals("format") && !path.equals("/api/services")) {
            assertThat(r.body()).as(url).doesNotContain("keepsake");
          }
        }
      }
    }
    for (String hostile : INJECTIONS) {
      for (String path : List.of("/api/traces/", "/api/chapters/", "/api/sessions/")) {
        HttpResponse<String> r = server.get(path + enc(hostile));
        assertThat(r.statusCode()).as(path + hostile).isIn(400, 404);
      }
    }
  }

  @Test
  void pathTraversalNeverLeavesTheUiFolder(@TempDir Path root) throws Exception {
    Files.createDirectories(root.resolve("ui/assets"));
    Files.writeString(root.resolve("ui/index.html"), "<!doctype html><title>ui</title>");
    Files.writeString(root.resolve("ui/assets/app.js"), "console.log('ui')");
    Files.writeString(root.resolve("secret.txt"), "TOP-SECRET outside the ui folder");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {root.toUri().toURL()}, null)) {
      Server ui = Server.builder().http(0).serviceUnder("/", StaticUi.service(loader)).build();
      ui.start().join();
      try {
        int port = ui.activeLocalPort();
        assertThat(rawGet(port, "/assets/app.js")).contains("console.log");
        for (String path : List.of("/../secret.txt", "/../../etc/passwd", "/assets/../../secret.txt",
            "/%2e%2e/secret.txt", "/%2e%2e%2fsecret.txt", "/..%2fsecret.txt", "/..%5csecret.txt", "/assets/..%5c..%5csecret.txt",
            "/%252e%252e%252fsecret.txt", "/.%2e/.%2e/etc/passwd", "/%c0%ae%c0%ae/secret.txt", "//etc/passwd", "/ui/../secret.txt")) {
          String answer = rawGet(port, path);
          assertThat(answer).as(path).doesNotContain("TOP-SECRET").doesNotContain("root:x:");
        }
      } finally {
        ui.stop().join();
      }
    }
    for (String path : List.of("/../../etc/passwd", "/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/..%5c..%5cetc%5cpasswd")) {
      assertThat(rawGet(server.server.httpPort(), path)).as(path).doesNotContain("root:x:");
    }
  }

  @Test
  void hugeHeadersAreRefusedWith431Or400() throws Exception {
    String huge = "x".repeat(64 * 1024);
    String answer = raw(server.server.httpPort(), ("GET /api/services HTTP/1.1\r\nHost: localhost\r\nX-Huge: " + huge
        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    assertThat(answer).matches("(?s)HTTP/1\\.1 (431|400) .*");
    String manyHeaders = "GET /api/services HTTP/1.1\r\nHost: localhost\r\n" + "X-A: b\r\n".repeat(5000) + "Connection: close\r\n\r\n";
    assertThat(raw(server.server.httpPort(), manyHeaders.getBytes(StandardCharsets.US_ASCII))).matches("(?s)HTTP/1\\.1 (431|400) .*");
  }

  @Test
  void hugeBodiesAreRefusedWith413() {
    byte[] body = new byte[9 * 1024 * 1024];
    assertThat(server.post(server.otlpHttp() + "/v1/traces", "application/x-protobuf", body).statusCode()).isEqualTo(413);
    assertThat(server.post(server.ui() + "/v1/replay", "application/json", body).statusCode()).isEqualTo(413);
  }

  @Test
  void tenThousandLevelsOfNestingAreRefusedWith400() {
    for (String open : List.of("[", "{\"a\":")) {
      String close = open.equals("[") ? "]" : "}";
      String nested = open.repeat(10_000) + "1" + close.repeat(10_000);
      HttpResponse<String> otlp = server.post(server.otlpHttp() + "/v1/traces", "application/json",
          ("{\"resourceSpans\": " + nested + "}").getBytes(StandardCharsets.UTF_8));
      assertThat(otlp.statusCode()).as("OTLP JSON " + open).isEqualTo(400);
      HttpResponse<String> replay = server.post(server.ui() + "/v1/replay", "application/json",
          ("{\"sessionId\": \"" + SESSION + "\", \"sequence\": 9, \"events\": [{\"type\": 3, \"timestamp\": " + T0
              + ", \"data\": " + nested + "}]}").getBytes(StandardCharsets.UTF_8));
      assertThat(replay.statusCode()).as("replay " + open).isEqualTo(400);
    }
  }

  @Test
  void invalidUtf8IsRefusedWith400() {
    byte[] json = OtlpJson.request(OtlpJson.span(TRACE, "00f067aa0ba902c1", "PLACEHOLDER")).getBytes(StandardCharsets.UTF_8);
    assertThat(server.post(server.otlpHttp() + "/v1/traces", "application/json", replace(json, "PLACEHOLDER", new byte[] {(byte) 0xc3, 0x28, (byte) 0xff}))
        .statusCode()).isEqualTo(400);
    byte[] protobuf = OtlpJson.protobufRequest(TRACE, "PLACEHOLDER");
    assertThat(server.post(server.otlpHttp() + "/v1/traces", "application/x-protobuf", replace(protobuf, "PLACEHOLDER", new byte[] {
        (byte) 0xed, (byte) 0xa0, (byte) 0x80, (byte) 0xff, (byte) 0xfe, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41})).statusCode()).isEqualTo(400);
    byte[] replay = ReplayAndQueryTest.batch(SESSION, 7, List.of(ReplayAndQueryTest.event(3, T0)), "")
        .replace("shop-web", "PLACEHOLDER").getBytes(StandardCharsets.UTF_8);
    assertThat(server.post(server.ui() + "/v1/replay", "application/json", replace(replay, "PLACEHOLDER", new byte[] {(byte) 0xff, (byte) 0xfe}))
        .statusCode()).isEqualTo(400);
  }

  @Test
  void aForgedBatchCannotOverwriteOrCountAgainAnotherSessionsBatchOrTakeItsChapter() {
    String chapter = "{\"chapterId\": \"" + CHAPTER + "\", \"sequence\": 0, \"traceId\": null, \"firstEventTime\": " + T0
        + ", \"requestTime\": " + (T0 + 10) + ", \"method\": \"POST\", \"url\": \"http://shop/checkout\", \"status\": 400,"
        + " \"duration\": 5, \"error\": null}";
    postReplay(ReplayAndQueryTest.batch(SESSION, 0,
        List.of(ReplayAndQueryTest.event(4, T0), ReplayAndQueryTest.event(2, T0 + 1), ReplayAndQueryTest.event(3, T0 + 2)), chapter));
    JsonNode before = server.getJson("/api/sessions/" + SESSION);

    // The same (session, sequence) again with other content: answered as a retry, changes nothing.
    String forgedChapter = chapter.replace("http://shop/checkout", "http://evil/").replace("400", "200");
    List<String> forgedEvents = List.of(ReplayAndQueryTest.event(3, T0 + 5), ReplayAndQueryTest.event(3, T0 + 6),
        ReplayAndQueryTest.event(3, T0 + 7), ReplayAndQueryTest.event(3, T0 + 8), ReplayAndQueryTest.event(3, T0 + 9));
    postReplay(ReplayAndQueryTest.batch(SESSION, 0, forgedEvents, forgedChapter).replace("ivan@gmail.com", "evil@example.com"));
    // Another session naming the victim's chapter id, at a lower sequence than any report of it.
    postReplay(ReplayAndQueryTest.batch(ATTACKER, 0, List.of(ReplayAndQueryTest.event(2, T0 - 100)),
        forgedChapter.replace(Long.toString(T0 + 10), Long.toString(T0 - 50))
            .replace("\"firstEventTime\": " + T0, "\"firstEventTime\": " + (T0 - 100))));

    JsonNode after = server.getJson("/api/sessions/" + SESSION);
    assertThat(after).isEqualTo(before);
    assertThat(after.get("session").get("eventCount").asInt()).isEqualTo(3);
    assertThat(after.get("session").get("userEmail").asText()).isEqualTo("ivan@gmail.com");
    assertThat(server.getJson("/api/sessions/" + SESSION + "/events").get("events")).hasSize(3);
    JsonNode stolen = server.getJson("/api/chapters/" + CHAPTER).get("chapter");
    assertThat(stolen.get("sessionId").asText()).isEqualTo(SESSION);
    assertThat(stolen.get("url").asText()).isEqualTo("http://shop/checkout");
    assertThat(server.getJson("/api/sessions/" + ATTACKER).get("chapters")).isEmpty();
  }

  private static void postReplay(String batch) {
    HttpResponse<String> r = server.post(server.ui() + "/v1/replay", "application/json", batch.getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  private static byte[] replace(byte[] haystack, String needle, byte[] with) {
    String text = new String(haystack, StandardCharsets.ISO_8859_1);
    int at = text.indexOf(needle);
    assertThat(at).as(needle).isNotNegative();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(haystack, 0, at);
    // Same length as the needle when possible, so that protobuf length prefixes stay right.
    byte[] padded = java.util.Arrays.copyOf(with, Math.max(with.length, needle.length()));
    for (int i = with.length; i < padded.length; i++) padded[i] = 'A';
    out.write(padded, 0, padded.length);
    out.write(haystack, at + needle.length(), haystack.length - at - needle.length());
    return out.toByteArray();
  }

  /** GET with the path sent exactly as written: no client normalizes or re-encodes it. */
  private static String rawGet(int port, String path) throws IOException {
    return raw(port, ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
  }

  private static String raw(int port, byte[] request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      try {
        out.write(request);
        out.flush();
      } catch (IOException e) {
        // the server may answer and close before reading all of a huge request
      }
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
