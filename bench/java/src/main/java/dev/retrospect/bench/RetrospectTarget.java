package dev.retrospect.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Retrospect's shaded jar on a fresh store: a new data directory for the embedded store, or a new
 * keyspace on the given Cassandra node. Spans go to OTLP/HTTP protobuf; searches use the query API.
 */
public final class RetrospectTarget extends JarTarget {
  private static final String MAIN_CLASS = "dev.retrospect.server.RetrospectServer";
  private int apiPort;
  private int otlpPort;

  private final String extraClasspath;
  private final boolean sdkResource;

  /**
   * @param cassandra null for the embedded store
   * @param extraClasspath jars to add after Retrospect's own (the Cassandra store and its driver,
   *     which the server jar does not contain); null or empty for none
   * @param sdkResource send the resource an SDK's detectors make, not only the service name
   */
  public RetrospectTarget(Path jar, List<String> jvmArgs, Path workDir, CassandraNode cassandra,
      String extraClasspath, boolean sdkResource) {
    super(jar, jvmArgs, workDir, cassandra);
    this.extraClasspath = extraClasspath;
    this.sdkResource = sdkResource;
  }

  @Override
  protected List<String> launch() {
    if (extraClasspath == null || extraClasspath.isEmpty()) return super.launch();
    return List.of("-cp", jar + java.io.File.pathSeparator + extraClasspath, MAIN_CLASS);
  }

  @Override
  public String name() {
    return "Retrospect (" + (cassandra == null ? "embedded" : "cassandra") + ")";
  }

  @Override
  public void start() {
    apiPort = ServerProcess.freePort();
    otlpPort = ServerProcess.freePort();
    Map<String, String> env = new HashMap<>();
    env.put("RETROSPECT_HTTP_PORT", Integer.toString(apiPort));
    env.put("RETROSPECT_OTLP_HTTP_PORT", Integer.toString(otlpPort));
    env.put("RETROSPECT_OTLP_GRPC_PORT", Integer.toString(ServerProcess.freePort()));
    env.put("RETROSPECT_BIND_ADDRESS", "127.0.0.1");
    env.put("RETROSPECT_DATA_DIR", workDir.resolve("retrospect-data").toString());
    if (cassandra != null) {
      env.put("RETROSPECT_STORAGE", "cassandra");
      env.put("RETROSPECT_CASSANDRA_CONTACT_POINTS", cassandra.contactPoint());
      env.put("RETROSPECT_CASSANDRA_LOCAL_DC", cassandra.localDc());
      env.put("RETROSPECT_CASSANDRA_KEYSPACE", cassandra.keyspace("retrospect"));
    } else {
      env.put("RETROSPECT_STORAGE", "embedded");
    }
    startJar(env, "retrospect.log", api("/health"));
  }

  @Override
  protected StoredCounter.SpanTable spanTable() {
    return new StoredCounter.SpanTable(cassandra.keyspace("retrospect"), "spans", "trace_id", "span_id");
  }

  @Override
  public URI ingestUri() {
    return URI.create("http://127.0.0.1:" + otlpPort + "/v1/traces");
  }

  @Override
  public String contentType() {
    return "application/x-protobuf";
  }

  @Override
  public byte[] encode(List<CheckoutTrace> traces) {
    return OtlpEncoding.request(traces, sdkResource).toByteArray();
  }

  @Override
  public int spansFoundByEmail(String email, String traceId, Duration timeout) {
    JsonNode page = http.get(api("/api/spans?limit=50&q=" + HttpJson.encode(email)), -1, timeout);
    return HttpJson.countTrace(page.path("spans"), "traceId", traceId);
  }

  @Override
  public boolean searchesWords() {
    return true;
  }

  @Override
  public int spansFoundByWord(String word, String traceId) {
    return spansFoundByEmail(word, traceId, HttpJson.DEFAULT_TIMEOUT);
  }

  @Override
  public int traceSpans(String traceId) {
    JsonNode trace = http.get(api("/api/traces/" + traceId), 404);
    return trace == null ? 0 : trace.path("spans").size();
  }

  @Override
  public int errorSpansIn(long fromMicros, long toMicros) {
    JsonNode page = http.get(api("/api/spans?status=5xx&limit=50&from=" + fromMicros + "&to=" + toMicros), -1);
    return page.path("spans").size();
  }

  @Override
  public String counters() {
    return http.metrics(api("/metrics"), "_spans_", "overloaded");
  }

  private URI api(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + apiPort + pathAndQuery);
  }
}
