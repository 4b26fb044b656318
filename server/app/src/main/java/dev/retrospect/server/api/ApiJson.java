package dev.retrospect.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.retrospect.core.AttributeValue;
import dev.retrospect.core.Chapter;
import dev.retrospect.core.Session;
import dev.retrospect.core.Span;
import dev.retrospect.core.SpanEvent;
import dev.retrospect.core.SpanLink;
import java.util.Map;

/** The JSON shapes of the query API's objects, exactly as docs/api.md shows them. */
public final class ApiJson {
  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ApiJson() {}

  public static ObjectNode object() {
    return NODES.objectNode();
  }

  public static ArrayNode array() {
    return NODES.arrayNode();
  }

  /**
   * The value as compact UTF-8 JSON, written straight to bytes: a JSON string of the whole answer
   * would hold it twice more (its characters, then the string) before it is encoded.
   */
  static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a value could not be written as JSON", e);
    }
  }

  public static ObjectNode span(Span s) {
    ObjectNode n = NODES.objectNode();
    n.put("traceId", s.traceId());
    n.put("spanId", s.spanId());
    n.put("parentSpanId", s.parentSpanId());
    n.put("service", s.service());
    n.put("name", s.name());
    n.put("kind", s.kind().name());
    n.put("startTime", s.startMicros());
    n.put("duration", s.durationMicros());
    n.putObject("status").put("code", s.statusCode().name()).put("message", s.statusMessage());
    n.put("httpStatus", s.httpStatus());
    n.set("attributes", attributes(s.attributes()));
    n.set("resource", attributes(s.resourceAttributes()));
    ArrayNode events = n.putArray("events");
    for (SpanEvent e : s.events()) {
      events.addObject().put("time", e.timeMicros()).put("name", e.name()).set("attributes", attributes(e.attributes()));
    }
    ArrayNode links = n.putArray("links");
    for (SpanLink l : s.links()) {
      links.addObject().put("traceId", l.traceId()).put("spanId", l.spanId()).set("attributes", attributes(l.attributes()));
    }
    n.put("sessionId", s.sessionId());
    n.put("chapterId", s.chapterId());
    return n;
  }

  public static JsonNode chapter(Chapter c) {
    if (c == null) return NODES.nullNode();
    ObjectNode n = NODES.objectNode();
    n.put("chapterId", c.chapterId());
    n.put("sessionId", c.sessionId());
    n.put("sequence", c.sequence());
    n.put("traceId", c.traceId());
    n.put("firstEventTime", c.firstEventMicros());
    n.put("requestTime", c.requestMicros());
    n.put("method", c.requestMethod());
    n.put("url", c.requestUrl());
    n.put("status", c.responseStatus());
    n.put("duration", c.durationMicros());
    n.put("error", c.error());
    return n;
  }

  public static JsonNode session(Session s) {
    if (s == null) return NODES.nullNode();
    ObjectNode n = NODES.objectNode();
    n.put("sessionId", s.sessionId());
    n.put("firstSeen", s.firstSeenMicros());
    n.put("lastSeen", s.lastSeenMicros());
    n.put("service", s.service());
    n.put("userAgent", s.userAgent());
    n.put("entryUrl", s.entryUrl());
    n.put("userId", s.userId());
    n.put("userEmail", s.userEmail());
    n.put("chapterCount", s.chapterCount());
    n.put("eventCount", s.eventCount());
    n.put("errorCount", s.errorCount());
    return n;
  }

  /** Attribute values in their OpenTelemetry type: numbers as numbers, arrays and lists as JSON. */
  public static ObjectNode attributes(Map<String, AttributeValue> attributes) {
    ObjectNode n = NODES.objectNode();
    attributes.forEach((k, v) -> n.set(k, value(v)));
    return n;
  }

  private static JsonNode value(AttributeValue v) {
    try {
      return switch (v.type()) {
        case STRING, BYTES -> NODES.textNode(v.value());
        case BOOL -> NODES.booleanNode(Boolean.parseBoolean(v.value()));
        case INT -> NODES.numberNode(Long.parseLong(v.value()));
        case DOUBLE -> {
          double d = Double.parseDouble(v.value());
          yield Double.isFinite(d) ? NODES.numberNode(d) : NODES.textNode(v.value());
        }
        case ARRAY, KVLIST -> MAPPER.readTree(v.value());
      };
    } catch (NumberFormatException | JsonProcessingException e) {
      // A store gave back a value that does not parse as its type: show the text rather than fail.
      return NODES.textNode(v.value());
    }
  }
}
