package dev.retrospect.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention in the embedded store: with a clock fixed on 10 January and seven days of retention,
 * the purge removes the spans and replay of 1 January from every API answer, keeps those of
 * 9 January, and gives the space back: the database file shrinks.
 */
class RetentionTest {
  static final Instant NOW = Instant.parse("2026-01-10T00:00:00Z");
  static final Instant OLD = Instant.parse("2026-01-01T12:00:00Z");
  static final Instant RECENT = Instant.parse("2026-01-09T12:00:00Z");
  static final String OLD_SESSION = "01d501d501d501d501d501d501d501d5";
  static final String RECENT_SESSION = "9ece9ece9ece9ece9ece9ece9ece9ece";
  static final int OLD_SPANS = 6_000;

  @Test
  void purgeRemovesWhatIsOlderThanTheWindowKeepsTheRestAndShrinksTheFile(@TempDir Path dataDir) {
    try (TestServer server = new TestServer(dataDir, Clock.fixed(NOW, ZoneOffset.UTC), "--retention-days=7")) {
      String filler = "x".repeat(1000);
      for (int batch = 0; batch < OLD_SPANS / 500; batch++) {
        List<String> spans = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
          String spanId = String.format("%08x%08x", batch + 1, i + 1);
          spans.add(OtlpJson.span(String.format("%032x", batch + 1), spanId, "oldbuyer" + batch, nanos(OLD),
              "\"filler\": {\"stringValue\": \"" + filler + i + "\"}"));
        }
        ingest(server, OtlpJson.request(spans.toArray(String[]::new)));
      }
      ingest(server, OtlpJson.request(OtlpJson.span("9e".repeat(16), "9e".repeat(8), "recentbuyer", nanos(RECENT))));
      replay(server, OLD_SESSION, OLD);
      replay(server, RECENT_SESSION, RECENT);
      assertThat(server.getJson("/api/spans?q=oldbuyer0").get("spans")).isNotEmpty();
      long before = storeBytes(dataDir);

      long deleted = server.server.retention().purgeNow();

      long after = storeBytes(dataDir);
      System.out.printf("retention: deleted %d spans; store %d → %d bytes%n", deleted, before, after);
      assertThat(deleted).isEqualTo(OLD_SPANS);
      assertThat(server.getJson("/api/spans?q=oldbuyer0").get("spans")).isEmpty();
      assertThat(server.getJson("/api/spans?service=api&limit=1000").get("spans")).hasSize(1);
      assertThat(server.getJson("/api/spans?q=recentbuyer").get("spans")).hasSize(1);
      assertThat(server.get("/api/sessions/" + OLD_SESSION).statusCode()).isEqualTo(404);
      assertThat(server.getJson("/api/sessions/" + RECENT_SESSION + "/events").get("events")).hasSize(1);
      assertThat(after).as("store size after the purge").isLessThan(before / 2);
    }
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  private static void ingest(TestServer server, String json) {
    HttpResponse<String> r = server.post(server.otlpHttp() + "/v1/traces", "application/json", json.getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  private static void replay(TestServer server, String session, Instant at) {
    String batch = ReplayAndQueryTest.batch(session, 0, List.of(ReplayAndQueryTest.event(2, at.toEpochMilli())), "");
    HttpResponse<String> r = server.post(server.ui() + "/v1/replay", "application/json", batch.getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  /** The database file and its write-ahead log together: what the store takes on disk. */
  private static long storeBytes(Path dataDir) {
    try (var files = Files.list(dataDir)) {
      return files.filter(f -> f.getFileName().toString().startsWith("retrospect.db")).mapToLong(f -> {
        try {
          return Files.size(f);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
