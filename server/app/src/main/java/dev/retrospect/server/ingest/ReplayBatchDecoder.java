package dev.retrospect.server.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.retrospect.core.Chapter;
import dev.retrospect.core.Ids;
import dev.retrospect.core.InvalidInputException;
import dev.retrospect.core.ReplayBatch;
import dev.retrospect.core.SessionInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Decodes a browser agent's replay batch (docs/api.md, "Replay batches") into the model: times
 * from epoch milliseconds to microseconds, full snapshots (rrweb event type 2) located, events put
 * in time order and kept as a gzip-compressed JSON array. Every violation is an
 * InvalidInputException naming the field.
 */
public final class ReplayBatchDecoder {
  /** rrweb's EventType.FullSnapshot. */
  public static final int FULL_SNAPSHOT = 2;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Year 5138 in epoch milliseconds: any later "time" is garbage, and its microseconds would overflow. */
  private static final double MAX_MILLIS = 1e14;

  private ReplayBatchDecoder() {}

  /** Decodes a JSON body (already decompressed). */
  public static ReplayBatch decode(byte[] json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (IOException e) {
      throw new InvalidInputException("body is not valid JSON: " + shortMessage(e));
    }
    if (root == null || !root.isObject()) throw new InvalidInputException("body must be a JSON object");

    String sessionId = Ids.sessionId(text(root, "sessionId"));
    long sequence = wholeNumber(root, "sequence", true);
    SessionInfo session = sessionInfo(root);

    JsonNode eventsNode = root.path("events");
    if (!eventsNode.isMissingNode() && !eventsNode.isArray()) throw new InvalidInputException("events must be an array");
    List<TimedEvent> events = new ArrayList<>();
    for (JsonNode e : eventsNode) {
      if (!e.isObject()) throw new InvalidInputException("events[" + events.size() + "] must be an object");
      JsonNode ts = e.get("timestamp");
      if (ts == null || !plausibleMillis(ts)) {
        throw new InvalidInputException("events[" + events.size() + "].timestamp must be epoch milliseconds");
      }
      JsonNode type = e.get("type");
      if (type == null || !type.canConvertToInt()) {
        throw new InvalidInputException("events[" + events.size() + "].type must be an rrweb event type number");
      }
      events.add(new TimedEvent(micros(ts.asDouble()), type.asInt(), e));
    }
    events.sort(Comparator.comparingLong(TimedEvent::micros));

    List<Chapter> chapters = new ArrayList<>();
    JsonNode chaptersNode = root.path("chapters");
    if (!chaptersNode.isMissingNode() && !chaptersNode.isArray()) throw new InvalidInputException("chapters must be an array");
    for (JsonNode c : chaptersNode) chapters.add(chapter(c, sessionId, chapters.size()));
    if (events.isEmpty() && chapters.isEmpty()) {
      throw new InvalidInputException("a replay batch needs at least one event or chapter");
    }

    long first;
    long last;
    if (events.isEmpty()) {
      first = chapters.stream().mapToLong(Chapter::firstEventMicros).min().orElseThrow();
      last = first;
    } else {
      first = events.get(0).micros();
      last = events.get(events.size() - 1).micros();
    }
    List<Long> fullSnapshots = events.stream().filter(e -> e.type() == FULL_SNAPSHOT).map(TimedEvent::micros).toList();
    long errors = root.has("errorCount") ? wholeNumber(root, "errorCount", false) : 0;

    ArrayNode ordered = MAPPER.createArrayNode();
    for (TimedEvent e : events) ordered.add(e.event());
    return new ReplayBatch(
        sessionId, sequence, first, last, events.size(), (int) Math.min(errors, Integer.MAX_VALUE),
        fullSnapshots, chapters, session, gzipJson(ordered));
  }

  private static Chapter chapter(JsonNode c, String sessionId, int index) {
    String where = "chapters[" + index + "]";
    if (!c.isObject()) throw new InvalidInputException(where + " must be an object");
    JsonNode status = c.get("status");
    return new Chapter(
        Ids.chapterId(text(c, "chapterId")),
        sessionId,
        (int) Math.min(wholeNumber(c, "sequence", true), Integer.MAX_VALUE),
        nullableText(c, "traceId"),
        millisToMicros(c, "firstEventTime", where),
        nullableMillis(c, "requestTime", where),
        nullableText(c, "method"),
        nullableText(c, "url"),
        status == null || status.isNull() ? null : (int) Math.min(wholeNumber(c, "status", false), 999),
        nullableMillis(c, "duration", where),
        nullableText(c, "error"));
  }

  private static SessionInfo sessionInfo(JsonNode root) {
    JsonNode s = root.path("session");
    if (!s.isMissingNode() && !s.isNull() && !s.isObject()) throw new InvalidInputException("session must be an object");
    return new SessionInfo(
        nullableText(root, "service"),
        nullableText(s, "userAgent"),
        nullableText(s, "entryUrl"),
        nullableText(s, "userId"),
        nullableText(s, "userEmail"));
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) throw new InvalidInputException(field + " must be a string");
    return v.asText();
  }

  private static String nullableText(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull() || v.isMissingNode()) return null;
    if (!v.isTextual()) throw new InvalidInputException(field + " must be a string or null");
    return v.asText();
  }

  private static long wholeNumber(JsonNode node, String field, boolean required) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      if (required) throw new InvalidInputException(field + " must be a whole number ≥ 0");
      return 0;
    }
    if (!v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0) {
      throw new InvalidInputException(field + " must be a whole number ≥ 0, got " + Ids.quote(v.toString()));
    }
    return v.asLong();
  }

  private static long millisToMicros(JsonNode node, String field, String where) {
    Long v = nullableMillis(node, field, where);
    if (v == null) throw new InvalidInputException(where + "." + field + " must be epoch milliseconds");
    return v;
  }

  private static Long nullableMillis(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) return null;
    if (!plausibleMillis(v)) {
      throw new InvalidInputException(where + "." + field + " must be a number of milliseconds, got " + Ids.quote(v.toString()));
    }
    return micros(v.asDouble());
  }

  /** A non-negative number of milliseconds small enough that its microseconds fit a long. */
  private static boolean plausibleMillis(JsonNode v) {
    return v.isNumber() && v.asDouble() >= 0 && v.asDouble() <= MAX_MILLIS;
  }

  private static long micros(double millis) {
    return Math.round(millis * 1000.0);
  }

  private static byte[] gzipJson(ArrayNode events) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      MAPPER.writeValue(gz, events);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static String shortMessage(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  private record TimedEvent(long micros, int type, JsonNode event) {}
}
