package dev.retrospect.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The blocking GET calls the benchmarks make against a server's query API. */
final class HttpJson {
  /** Long enough for a search over a large store on a busy machine: measure it, not the timeout. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();
  private Duration timeout = DEFAULT_TIMEOUT;
  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  /**
   * The response body; throws on a status other than 200 unless it is {@code allowed}, and
   * {@link java.io.UncheckedIOException} caused by {@link java.net.http.HttpTimeoutException} when
   * no answer came within the timeout.
   */
  String getText(URI uri, int allowed, Duration timeout) {
    try {
      HttpResponse<String> response = client.send(
          HttpRequest.newBuilder(uri).timeout(timeout).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == allowed) return null;
      if (response.statusCode() != 200) {
        throw new IllegalStateException("GET " + uri + " answered " + response.statusCode() + ": "
            + response.body());
      }
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + uri, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The timeout of calls that do not name their own. */
  void timeout(Duration timeout) {
    this.timeout = timeout;
  }

  /** The parsed JSON body, or null when the server answered {@code allowed} (e.g. 404). */
  JsonNode get(URI uri, int allowed) {
    return get(uri, allowed, timeout);
  }

  JsonNode get(URI uri, int allowed, Duration timeout) {
    String body = getText(uri, allowed, timeout);
    if (body == null) return null;
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + uri + " returned invalid JSON", e);
    }
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** Counts the spans of one trace in a JSON array of spans. */
  static int countTrace(JsonNode spans, String traceIdField, String traceId) {
    int n = 0;
    if (spans != null) {
      for (JsonNode span : spans) if (traceId.equals(span.path(traceIdField).asText())) n++;
    }
    return n;
  }

  /** {@link #metricLines} of the exposition at {@code uri}, or why it could not be read. */
  String metrics(URI uri, String... words) {
    try {
      return metricLines(getText(uri, -1, DEFAULT_TIMEOUT), words);
    } catch (RuntimeException e) {
      return "unavailable: " + e.getMessage();
    }
  }

  /** Lines of a Prometheus text exposition whose metric name contains one of the words. */
  static String metricLines(String text, String... words) {
    StringBuilder out = new StringBuilder();
    for (String line : text.split("\n")) {
      if (line.startsWith("#")) continue;
      for (String word : words) {
        if (line.contains(word)) {
          out.append(out.isEmpty() ? "" : "; ").append(line.trim());
          break;
        }
      }
    }
    return out.toString();
  }
}
