package dev.retrospect.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.retrospect.core.Storage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * A real Retrospect server for tests: the embedded store in a temporary directory, every port
 * ephemeral, loopback only. Requests go over real HTTP.
 */
public final class TestServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  public final RetrospectServer server;
  public final Path dataDir;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  public TestServer(Path dataDir, String... flags) {
    this(dataDir, null, Clock.systemUTC(), flags);
  }

  /** A server whose retention purge takes "now" from this clock. */
  public TestServer(Path dataDir, Clock clock, String... flags) {
    this(dataDir, null, clock, flags);
  }

  /** A server on the given store instead of the one the configuration names. */
  public TestServer(Path dataDir, Storage storage, String... flags) {
    this(dataDir, storage, Clock.systemUTC(), flags);
  }

  private TestServer(Path dataDir, Storage storage, Clock clock, String... flags) {
    this.dataDir = dataDir;
    String[] args = new String[flags.length + 4];
    args[0] = "--data-dir=" + dataDir;
    args[1] = "--http-port=0";
    args[2] = "--otlp-http-port=0";
    args[3] = "--otlp-grpc-port=0";
    System.arraycopy(flags, 0, args, 4, flags.length);
    ServerConfig config = ServerConfig.from(Map.of(), args);
    server = RetrospectServer.start(config, storage != null ? storage : StorageFactory.open(config), clock);
  }

  public String ui() {
    return "http://127.0.0.1:" + server.httpPort();
  }

  public String otlpHttp() {
    return "http://127.0.0.1:" + server.otlpHttpPort();
  }

  public String otlpGrpc() {
    return "http://127.0.0.1:" + server.otlpGrpcPort();
  }

  /** GET on the UI/API port. */
  public HttpResponse<String> get(String pathAndQuery) {
    return send(HttpRequest.newBuilder(URI.create(ui() + pathAndQuery)).GET());
  }

  /** GET on the UI/API port, expecting 200 and JSON. */
  public JsonNode getJson(String pathAndQuery) {
    HttpResponse<String> r = get(pathAndQuery);
    if (r.statusCode() != 200) throw new AssertionError("GET " + pathAndQuery + " → " + r.statusCode() + " " + r.body());
    return json(r.body());
  }

  public HttpResponse<String> post(String url, String contentType, byte[] body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) b.header("Content-Type", contentType);
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return send(b);
  }

  public HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
