package dev.retrospect.contract;

import dev.retrospect.core.AttributeValue;
import dev.retrospect.core.Chapter;
import dev.retrospect.core.ReplayBatch;
import dev.retrospect.core.SessionInfo;
import dev.retrospect.core.Span;
import dev.retrospect.core.SpanKind;
import dev.retrospect.core.StatusCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.GZIPOutputStream;

/**
 * Random, collision-free test data. The contract never assumes an empty store: every test makes its
 * own ids, service names, words and time window, so one store instance can serve a whole test
 * class (a Cassandra keyspace per test would be too slow).
 */
public final class TestData {
  private TestData() {}

  /** 2001-01-01T00:00:00Z: windows of ordinary tests start after it, retention tests stay before. */
  public static final long EPOCH_2001_MICROS = 978_307_200_000_000L;

  private static final long THIRTY_YEARS_MICROS = 30L * 365 * 24 * 3600 * 1_000_000;

  public static String traceId() {
    return hex(32);
  }

  public static String spanId() {
    return hex(16);
  }

  public static String sessionId() {
    return hex(32);
  }

  public static String chapterId() {
    return hex(32);
  }

  /**
   * A word no other test uses: the stem followed by random lower-case letters (letters only, so
   * that it stays one token).
   */
  public static String word(String stem) {
    StringBuilder b = new StringBuilder(stem);
    ThreadLocalRandom r = ThreadLocalRandom.current();
    for (int i = 0; i < 10; i++) b.append((char) ('a' + r.nextInt(26)));
    return b.toString();
  }

  /** A service name no other test uses. */
  public static String service(String stem) {
    return word(stem + "-");
  }

  /**
   * The start of a time window of its own: a random microsecond between 2001 and 2031. Tests keep
   * their data within a few minutes of it, so windows of different tests practically never meet.
   */
  public static long windowStart() {
    return EPOCH_2001_MICROS + ThreadLocalRandom.current().nextLong(THIRTY_YEARS_MICROS);
  }

  /** A span builder with fresh ids, the given service and start, 1 ms long, SERVER kind. */
  public static Span.Builder span(String service, long startMicros) {
    return Span.builder()
        .traceId(traceId())
        .spanId(spanId())
        .service(service)
        .name("GET /")
        .kind(SpanKind.SERVER)
        .startMicros(startMicros)
        .durationMicros(1_000)
        .status(StatusCode.UNSET, "");
  }

  /** A checkout-like server span whose request body carries the given email. */
  public static Span checkout(String traceId, String service, long startMicros, String email) {
    String body =
        "{\"email\":\"" + email + "\",\"items\":[{\"sku\":\"cherries\",\"qty\":2}],\"total\":12.5}";
    return Span.builder()
        .traceId(traceId)
        .spanId(spanId())
        .service(service)
        .name("POST /checkout")
        .kind(SpanKind.SERVER)
        .startMicros(startMicros)
        .durationMicros(35_000)
        .status(StatusCode.UNSET, "")
        .attributes(
            Map.of(
                "http.request.method", AttributeValue.string("POST"),
                "http.response.status_code", AttributeValue.integer(200),
                "url.full", AttributeValue.string("http://shop.local/api/checkout"),
                "http.request.body", AttributeValue.string(body)))
        .build();
  }

  /** A chapter with only what the agent knows when it opens it. */
  public static Chapter openChapter(String chapterId, String sessionId, int sequence, long firstEventMicros) {
    return new Chapter(chapterId, sessionId, sequence, null, firstEventMicros, null, null, null, null, null, null);
  }

  /** A chapter whose request (starting the given trace) was answered with the given status. */
  public static Chapter answeredChapter(
      String chapterId, String sessionId, int sequence, String traceId, long firstEventMicros, int status) {
    return new Chapter(
        chapterId, sessionId, sequence, traceId, firstEventMicros, firstEventMicros + 4_000_000,
        "POST", "http://shop.local/api/checkout", status, 35_000L, null);
  }

  /** A replay batch of {@code eventCount} events spread evenly over [first, last]. */
  public static ReplayBatch batch(
      String sessionId, long sequence, long firstMicros, long lastMicros, int eventCount,
      List<Long> fullSnapshots, List<Chapter> chapters, SessionInfo info, int errorCount) {
    return new ReplayBatch(
        sessionId, sequence, firstMicros, lastMicros, eventCount, errorCount, fullSnapshots, chapters,
        info, events(sessionId + "#" + sequence, firstMicros, eventCount));
  }

  /** Gzip-compressed JSON array of rrweb-like events, each tagged so a test can tell batches apart. */
  public static byte[] events(String tag, long firstMicros, int count) {
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < count; i++) {
      if (i > 0) json.append(',');
      json.append("{\"type\":3,\"data\":{\"tag\":\"").append(tag).append("\",\"i\":").append(i)
          .append("},\"timestamp\":").append(firstMicros / 1000 + i).append('}');
    }
    json.append(']');
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(json.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static String hex(int length) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    StringBuilder b = new StringBuilder(length);
    b.append("0123456789abcdef".charAt(1 + r.nextInt(15)));
    for (int i = 1; i < length; i++) b.append("0123456789abcdef".charAt(r.nextInt(16)));
    return b.toString();
  }
}
