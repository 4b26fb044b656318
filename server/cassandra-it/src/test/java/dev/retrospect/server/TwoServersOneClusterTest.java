package dev.retrospect.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retrospect.contract.TestData;
import dev.retrospect.store.cassandra.CassandraConfig;
import dev.retrospect.store.cassandra.CassandraNode;
import dev.retrospect.store.cassandra.CassandraNodeExtension;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scale-out: two stateless Retrospect servers on different ports, one Cassandra keyspace. What is
 * written through one (OTLP spans, replay batches) is found through the other, linked. The servers
 * are configured as a user would (RETROSPECT_STORAGE=cassandra) and open the store through the
 * server's own StorageFactory, hence this package.
 */
@ExtendWith(CassandraNodeExtension.class)
class TwoServersOneClusterTest {
  static RetrospectServer first;
  static RetrospectServer second;

  @BeforeAll
  static void start(CassandraNode node) {
    CassandraConfig config = node.config("servers");
    first = ServersOnCassandra.start(config, Map.of());
    second = ServersOnCassandra.start(config, Map.of());
  }

  @AfterAll
  static void stop() {
    if (first != null) first.close();
    if (second != null) second.close();
  }

  @Test
  void spansAndReplayWrittenThroughOneServerAreFoundThroughTheOther() throws Exception {
    assertThat(first.httpPort()).isNotEqualTo(second.httpPort());
    String trace = TestData.traceId();
    String session = TestData.sessionId();
    String chapter = TestData.chapterId();
    String user = TestData.word("dale");
    long t0 = 1_764_150_000_000L;
    String span = """
        {"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "api"}}]},
          "scopeSpans": [{"scope": {"name": "test"}, "spans": [{"traceId": "%s", "spanId": "1111111111111111",
            "name": "POST /checkout", "kind": 2, "startTimeUnixNano": "%d", "endTimeUnixNano": "%d",
            "attributes": [{"key": "http.request.body", "value": {"stringValue": "{\\"email\\":\\"%s@gmail.com\\"}"}},
                           {"key": "http.response.status_code", "value": {"intValue": "400"}}]}]}]}]}
        """.formatted(trace, (t0 + 4_000) * 1_000_000, (t0 + 4_035) * 1_000_000, user);
    String replay = """
        {"sessionId": "%s", "sequence": 0, "service": "shop-web",
         "session": {"userAgent": "test", "entryUrl": "http://shop/", "userId": null, "userEmail": "%s@gmail.com"},
         "events": [{"type": 4, "data": {}, "timestamp": %d}, {"type": 2, "data": {}, "timestamp": %d},
                    {"type": 3, "data": {}, "timestamp": %d}],
         "chapters": [{"chapterId": "%s", "sequence": 0, "traceId": "%s", "firstEventTime": %d,
                       "requestTime": %d, "method": "POST", "url": "http://shop/api/checkout", "status": 400,
                       "duration": 35, "error": null}],
         "errorCount": 1}
        """.formatted(session, user, t0, t0 + 1, t0 + 3_000, chapter, trace, t0, t0 + 4_000);

    assertThat(ServersOnCassandra.postJson("http://127.0.0.1:" + first.otlpHttpPort() + "/v1/traces", span).statusCode()).isEqualTo(200);
    assertThat(ServersOnCassandra.postJson("http://127.0.0.1:" + first.httpPort() + "/v1/replay", replay).statusCode()).isEqualTo(200);

    JsonNode traceView = ServersOnCassandra.getJson(second, "/api/traces/" + trace);
    assertThat(traceView.get("spans")).singleElement()
        .satisfies(s -> assertThat(s.get("chapterId").asText()).isEqualTo(chapter));
    assertThat(traceView.get("session").get("sessionId").asText()).isEqualTo(session);

    JsonNode found = ServersOnCassandra.getJson(second, "/api/spans?q=" + user).get("spans");
    assertThat(found).singleElement().satisfies(s -> {
      assertThat(s.get("traceId").asText()).isEqualTo(trace);
      assertThat(s.get("sessionId").asText()).isEqualTo(session);
    });

    JsonNode sessionView = ServersOnCassandra.getJson(second, "/api/sessions/" + session);
    assertThat(sessionView.get("session").get("eventCount").asInt()).isEqualTo(3);
    assertThat(sessionView.get("chapters")).singleElement()
        .satisfies(c -> assertThat(c.get("traceId").asText()).isEqualTo(trace));
    assertThat(ServersOnCassandra.getJson(second, "/api/sessions/" + session + "/events").get("events")).hasSize(3);
    assertThat(ServersOnCassandra.getJson(second, "/api/sessions?q=" + user).get("sessions")).singleElement()
        .satisfies(s -> assertThat(s.get("sessionId").asText()).isEqualTo(session));
  }
}
