package dev.retrospect.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.retrospect.store.cassandra.CassandraConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Retrospect servers configured as a user would (RETROSPECT_STORAGE=cassandra) on a test node's
 * keyspace, opening the store through the server's own StorageFactory, on ephemeral ports; and the
 * HTTP the tests send them.
 */
final class ServersOnCassandra {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private ServersOnCassandra() {}

  /** A server on the config's node and keyspace, with these further settings and flags. */
  static RetrospectServer start(CassandraConfig config, Map<String, String> settings, String... flags) {
    Map<String, String> env = new HashMap<>(settings);
    env.put("RETROSPECT_STORAGE", "cassandra");
    env.put("RETROSPECT_CASSANDRA_CONTACT_POINTS", "127.0.0.1:" + config.contactPoints().get(0).getPort());
    env.put("RETROSPECT_CASSANDRA_KEYSPACE", config.keyspace());
    String[] args = new String[flags.length + 3];
    args[0] = "--http-port=0";
    args[1] = "--otlp-http-port=0";
    args[2] = "--otlp-grpc-port=0";
    System.arraycopy(flags, 0, args, 3, flags.length);
    ServerConfig serverConfig = ServerConfig.from(env, args);
    return RetrospectServer.start(serverConfig, StorageFactory.open(serverConfig));
  }

  static HttpResponse<String> postJson(String url, String json) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** GET on the server's UI/API port, expecting 200 and JSON. */
  static JsonNode getJson(RetrospectServer server, String pathAndQuery) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.httpPort() + pathAndQuery)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET %s: %s", pathAndQuery, r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }
}
