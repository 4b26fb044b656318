package dev.retrospect.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.RequestHeaders;
import dev.retrospect.store.embedded.SqliteStorage;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A full write queue sheds load with 503 and Retry-After, stores nothing of the refused requests, and recovers. */
class FullWriteQueueTest {
  @Test
  void fullWriteQueueAnswers503WithRetryAfterAndServiceResumes(@TempDir Path dataDir) throws Exception {
    // A real SQLite store whose queue holds a single item: any request that overlaps another is refused.
    try (TestServer server = new TestServer(dataDir, SqliteStorage.open(dataDir, 1))) {
      // Armeria's client sends all 64 at once, on as many connections as it needs.
      WebClient client = WebClient.of(server.otlpHttp());
      List<CompletableFuture<AggregatedHttpResponse>> answers = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        String trace = String.format("%032x", 0xabc000L + i);
        byte[] body = OtlpJson.request(OtlpJson.span(trace, "00f067aa0ba902b7", word(i))).getBytes(StandardCharsets.UTF_8);
        answers.add(client.execute(RequestHeaders.of(HttpMethod.POST, "/v1/traces",
            HttpHeaderNames.CONTENT_TYPE, "application/json"), body).aggregate());
      }
      int ok = 0;
      int refused = 0;
      for (int i = 0; i < answers.size(); i++) {
        AggregatedHttpResponse r = answers.get(i).join();
        if (r.status().code() == 200) {
          ok++;
          assertThat(server.getJson("/api/spans?q=" + word(i)).get("spans")).hasSize(1);
        } else {
          assertThat(r.status().code()).isEqualTo(503);
          assertThat(r.headers().get("retry-after")).isEqualTo("1");
          assertThat(TestServer.json(r.contentUtf8()).get("error").asText()).contains("write queue is full");
          assertThat(server.getJson("/api/spans?q=" + word(i)).get("spans")).as("a refused request stores nothing").isEmpty();
          refused++;
        }
      }
      assertThat(refused).as("requests refused under overload").isPositive();
      assertThat(ok).as("requests acknowledged under overload").isPositive();
      assertThat(server.get("/metrics").body()).containsPattern("retrospect_requests_overloaded_total [1-9]");

      assertThat(server.get("/health").statusCode()).isEqualTo(200);
      HttpResponse<String> after = server.post(server.otlpHttp() + "/v1/traces", "application/json",
          OtlpJson.request(OtlpJson.span("abcdef0123456789abcdef0123456789", "00f067aa0ba902b7", "afterload")).getBytes(StandardCharsets.UTF_8));
      assertThat(after.statusCode()).isEqualTo(200);
    }
  }

  /** Fixed width, so that no word is the prefix of another (search matches prefixes). */
  private static String word(int i) {
    return String.format("load%03d", i);
  }
}
