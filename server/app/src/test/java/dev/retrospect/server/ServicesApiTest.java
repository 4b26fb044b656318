package dev.retrospect.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /api/services}: bounded, sorted, and saying when it is cut. */
class ServicesApiTest extends RunningServer {
  @BeforeAll
  static void storeThreeServices() {
    List<String> requests = new ArrayList<>();
    for (String service : List.of("svc-c", "svc-a", "svc-b")) {
      String span = OtlpJson.span(String.format("%032x", service.hashCode() & 0xffffffffL | 1L << 40), "0000000000000001", service);
      requests.add(OtlpJson.request(span).replace("\"stringValue\": \"api\"", "\"stringValue\": \"" + service + "\""));
    }
    for (String request : requests) {
      HttpResponse<String> r = server.post(server.otlpHttp() + "/v1/traces", "application/json", request.getBytes(StandardCharsets.UTF_8));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
  }

  @Test
  void listsTheFirstNamesSortedAndSaysWhenThereAreMore() {
    JsonNode all = server.getJson("/api/services");
    assertThat(all.get("services")).extracting(JsonNode::asText).containsExactly("svc-a", "svc-b", "svc-c");
    assertThat(all.get("truncated").asBoolean()).isFalse();

    JsonNode two = server.getJson("/api/services?limit=2");
    assertThat(two.get("services")).extracting(JsonNode::asText).containsExactly("svc-a", "svc-b");
    assertThat(two.get("truncated").asBoolean()).isTrue();
    assertThat(server.getJson("/api/services?limit=3").get("truncated").asBoolean()).isFalse();
  }

  @Test
  void aLimitOutsideOneToAThousandIsABadRequest() {
    for (String limit : List.of("0", "1001", "-1", "many")) {
      HttpResponse<String> r = server.get("/api/services?limit=" + limit);
      assertThat(r.statusCode()).as(limit).isEqualTo(400);
      assertThat(r.body()).contains("limit");
    }
  }
}
