package dev.retrospect.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Zipkin server 3.5.1 (the {@code exec} jar from Maven Central) with in-memory storage, or with
 * {@code cassandra3} storage in a new keyspace on the given node. Spans go to {@code POST
 * /api/v2/spans} as JSON; an email is found by its {@code user.email} tag, since Zipkin cannot
 * search inside a tag value.
 */
public final class ZipkinTarget extends JarTarget {
  private int port;

  /** @param cassandra null for in-memory storage */
  public ZipkinTarget(Path jar, List<String> jvmArgs, Path workDir, CassandraNode cassandra) {
    super(jar, jvmArgs, workDir, cassandra);
  }

  @Override
  public String name() {
    return "Zipkin 3.5.1 (" + (cassandra == null ? "mem" : "cassandra3") + ")";
  }

  @Override
  public void start() {
    port = ServerProcess.freePort();
    Map<String, String> env = new HashMap<>();
    env.put("QUERY_PORT", Integer.toString(port));
    // Its default (11 s) is shorter than a tag search over 500,000 spans takes on a busy machine:
    // measure the search, not the timeout.
    env.put("QUERY_TIMEOUT", "120s");
    if (cassandra != null) {
      env.put("STORAGE_TYPE", "cassandra3");
      env.put("CASSANDRA_CONTACT_POINTS", cassandra.contactPoint());
      env.put("CASSANDRA_LOCAL_DC", cassandra.localDc());
      env.put("CASSANDRA_KEYSPACE", cassandra.keyspace("zipkin"));
    } else {
      env.put("STORAGE_TYPE", "mem");
    }
    startJar(env, "zipkin.log", uri("/health"));
  }

  /** The {@code cassandra3} schema's span table: partition {@code trace_id}, span {@code id}. */
  @Override
  protected StoredCounter.SpanTable spanTable() {
    return new StoredCounter.SpanTable(cassandra.keyspace("zipkin"), "span", "trace_id", "id");
  }

  @Override
  public URI ingestUri() {
    return uri("/api/v2/spans");
  }

  @Override
  public String contentType() {
    return "application/json";
  }

  @Override
  public byte[] encode(List<CheckoutTrace> traces) {
    return ZipkinJsonEncoding.spans(traces);
  }

  @Override
  public int spansFoundByEmail(String email, String traceId, Duration timeout) {
    JsonNode traces = http.get(uri("/api/v2/traces?limit=10&" + window()
        + "&annotationQuery=" + HttpJson.encode("user.email=" + email)), -1, timeout);
    int found = 0;
    for (JsonNode trace : traces) found += HttpJson.countTrace(trace, "traceId", traceId);
    return found;
  }

  @Override
  public boolean searchesWords() {
    return false;
  }

  @Override
  public int spansFoundByWord(String word, String traceId) {
    throw new UnsupportedOperationException("Zipkin matches whole tag values only");
  }

  @Override
  public int traceSpans(String traceId) {
    JsonNode trace = http.get(uri("/api/v2/trace/" + traceId), 404);
    return trace == null ? 0 : trace.size();
  }

  @Override
  public int errorSpansIn(long fromMicros, long toMicros) {
    long endMillis = toMicros / 1000;
    long lookbackMillis = Math.max(1, (toMicros - fromMicros) / 1000);
    JsonNode traces = http.get(uri("/api/v2/traces?limit=50&annotationQuery=error&endTs="
        + endMillis + "&lookback=" + lookbackMillis), -1);
    int spans = 0;
    for (JsonNode trace : traces) {
      for (JsonNode span : trace) if (span.path("tags").has("error")) spans++;
    }
    return spans;
  }

  /** The generated spans are at most a few hours old; a 7-day lookback covers them all. */
  private static String window() {
    return "endTs=" + (System.currentTimeMillis() + 3_600_000L) + "&lookback=" + 7 * 86_400_000L;
  }

  @Override
  public String counters() {
    return http.metrics(uri("/prometheus"), "zipkin_collector_spans",
        "zipkin_collector_messages_dropped");
  }

  private URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + port + pathAndQuery);
  }
}
