package dev.retrospect.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.fasterxml.jackson.databind.JsonNode;
import dev.retrospect.contract.TestData;
import dev.retrospect.store.cassandra.CassandraConfig;
import dev.retrospect.store.cassandra.CassandraNode;
import dev.retrospect.store.cassandra.CassandraNodeExtension;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The coarse limits as an operator sets them: a server started with low ones writes an hour's and
 * a day's first spans to the tables by hour and by day, everything past the limits to the tables
 * by minute and by ten minutes, and finds every span either way.
 */
@ExtendWith(CassandraNodeExtension.class)
class CoarseLimitsTest {
  private static final long HOUR_MILLIS = 3_600_000;

  static String keyspace;
  static RetrospectServer server;
  static CqlSession cql;

  @BeforeAll
  static void start(CassandraNode node) {
    CassandraConfig config = node.config("limits");
    keyspace = config.keyspace();
    // One limit from the environment, the other from a flag: the two ways an operator sets them.
    server = ServersOnCassandra.start(config, Map.of("RETROSPECT_CASSANDRA_COARSE_TRACE_SECONDS_PER_DAY", "2"),
        "--cassandra-coarse-spans-per-hour=3");
    cql = CqlSession.builder().addContactPoint(new InetSocketAddress("127.0.0.1", node.port()))
        .withLocalDatacenter("datacenter1").build();
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
    if (cql != null) cql.close();
  }

  @Test
  void spansPastTheLimitsGoToTheFineTablesAndEveryOneIsFound() throws Exception {
    String service = TestData.service("limits");
    String word = TestData.word("limits");
    // The last full hour, so that the spans share one hour and one day and lie within retention.
    long hour = (System.currentTimeMillis() / HOUR_MILLIS - 1) * HOUR_MILLIS;
    List<String> traces = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String trace = TestData.traceId();
      traces.add(trace);
      // Each its own trace, minutes apart: one trace-second of words each.
      long start = hour + i * 7 * 60_000L + i * 1_000L;
      assertThat(ServersOnCassandra.postJson("http://127.0.0.1:" + server.otlpHttpPort() + "/v1/traces",
          span(trace, service, word, start)).statusCode()).isEqualTo(200);
    }

    assertThat(traceIds("SELECT trace_id FROM %s.span_index WHERE service = ?", service))
        .as("the hour's first 3 spans, by hour").containsExactlyInAnyOrderElementsOf(traces.subList(0, 3));
    assertThat(traceIds("SELECT trace_id FROM %s.span_index_by_minute WHERE service = ?", service))
        .as("the rest, by minute").containsExactlyInAnyOrderElementsOf(traces.subList(3, 8));
    assertThat(traceIds("SELECT trace_id FROM %s.span_tokens WHERE word = ? ALLOW FILTERING", word))
        .as("the day's first 2 trace-seconds, by day").containsExactlyInAnyOrderElementsOf(traces.subList(0, 2));
    assertThat(traceIds("SELECT trace_id FROM %s.span_tokens_by_ten_minutes WHERE word = ? ALLOW FILTERING", word))
        .as("the rest, by ten minutes").containsExactlyInAnyOrderElementsOf(traces.subList(2, 8));

    List<String> newestFirst = new ArrayList<>(traces);
    Collections.reverse(newestFirst);
    assertThat(foundTraces("/api/spans?service=" + service)).containsExactlyElementsOf(newestFirst);
    assertThat(foundTraces("/api/spans?q=" + word)).containsExactlyElementsOf(newestFirst);
    assertThat(foundTraces("/api/spans?q=" + word + "&sort=oldest&limit=3")).containsExactlyElementsOf(traces.subList(0, 3));
  }

  private static String span(String trace, String service, String word, long startMillis) {
    return """
        {"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "%s"}}]},
          "scopeSpans": [{"scope": {"name": "test"}, "spans": [{"traceId": "%s", "spanId": "1111111111111111",
            "name": "GET /orders", "kind": 2, "startTimeUnixNano": "%d", "endTimeUnixNano": "%d",
            "attributes": [{"key": "note", "value": {"stringValue": "%s"}}]}]}]}]}
        """.formatted(service, trace, startMillis * 1_000_000, (startMillis + 20) * 1_000_000, word);
  }

  /** The trace ids of a query's rows; {@code %s} in it is the keyspace. */
  private static List<String> traceIds(String query, String value) {
    return cql.execute(SimpleStatement.newInstance(query.formatted(keyspace), value)).all().stream()
        .map(r -> r.getString("trace_id")).toList();
  }

  private static List<String> foundTraces(String pathAndQuery) throws Exception {
    JsonNode spans = ServersOnCassandra.getJson(server, pathAndQuery).get("spans");
    return StreamSupport.stream(spans.spliterator(), false).map(s -> s.get("traceId").asText()).toList();
  }
}
