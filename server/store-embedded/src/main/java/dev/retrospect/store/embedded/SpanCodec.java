package dev.retrospect.store.embedded;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.retrospect.core.AttributeValue;
import dev.retrospect.core.Span;
import dev.retrospect.core.SpanEvent;
import dev.retrospect.core.SpanKind;
import dev.retrospect.core.SpanLink;
import dev.retrospect.core.StatusCode;
import dev.retrospect.core.ValueType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A span as the compact JSON kept in the {@code spans.body} column. Short keys because the body is
 * most of the database; an attribute value is one string whose first character is its type ({@code
 * S} string, {@code I} int, ...), so values round-trip with their type and exact text.
 */
final class SpanCodec {
  private static final JsonFactory JSON =
      JsonFactory.builder()
          // Attribute values may be 1 MB or more; the server caps request sizes before this.
          .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
          .build();
  private static final ValueType[] TYPES = ValueType.values();
  private static final SpanKind[] KINDS = SpanKind.values();
  private static final StatusCode[] CODES = StatusCode.values();

  private SpanCodec() {}

  static byte[] encode(Span span) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("t", span.traceId());
      g.writeStringField("s", span.spanId());
      if (span.parentSpanId() != null) g.writeStringField("p", span.parentSpanId());
      g.writeStringField("v", span.service());
      g.writeStringField("n", span.name());
      g.writeNumberField("k", span.kind().ordinal());
      g.writeNumberField("st", span.startMicros());
      g.writeNumberField("d", span.durationMicros());
      g.writeNumberField("c", span.statusCode().ordinal());
      if (!span.statusMessage().isEmpty()) g.writeStringField("m", span.statusMessage());
      if (span.httpStatus() != null) g.writeNumberField("h", span.httpStatus());
      writeAttributes(g, "r", span.resourceAttributes());
      writeAttributes(g, "a", span.attributes());
      if (!span.events().isEmpty()) {
        g.writeArrayFieldStart("e");
        for (SpanEvent e : span.events()) {
          g.writeStartObject();
          g.writeNumberField("t", e.timeMicros());
          g.writeStringField("n", e.name());
          writeAttributes(g, "a", e.attributes());
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      if (!span.links().isEmpty()) {
        g.writeArrayFieldStart("l");
        for (SpanLink l : span.links()) {
          g.writeStartObject();
          g.writeStringField("t", l.traceId());
          g.writeStringField("s", l.spanId());
          writeAttributes(g, "a", l.attributes());
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      if (span.sessionId() != null) g.writeStringField("si", span.sessionId());
      if (span.chapterId() != null) g.writeStringField("ci", span.chapterId());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static Span decode(byte[] body) {
    try (JsonParser p = JSON.createParser(body)) {
      expect(p.nextToken(), JsonToken.START_OBJECT);
      String traceId = null, spanId = null, parent = null, service = null, name = null;
      String message = null, sessionId = null, chapterId = null;
      int kind = 0, code = 0;
      long start = 0, duration = 0;
      Integer http = null;
      Map<String, AttributeValue> resource = Map.of(), attributes = Map.of();
      List<SpanEvent> events = List.of();
      List<SpanLink> links = List.of();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "t" -> traceId = p.getText();
          case "s" -> spanId = p.getText();
          case "p" -> parent = p.getText();
          case "v" -> service = p.getText();
          case "n" -> name = p.getText();
          case "k" -> kind = p.getIntValue();
          case "st" -> start = p.getLongValue();
          case "d" -> duration = p.getLongValue();
          case "c" -> code = p.getIntValue();
          case "m" -> message = p.getText();
          case "h" -> http = p.getIntValue();
          case "r" -> resource = readAttributes(p);
          case "a" -> attributes = readAttributes(p);
          case "e" -> events = readEvents(p);
          case "l" -> links = readLinks(p);
          case "si" -> sessionId = p.getText();
          case "ci" -> chapterId = p.getText();
          default -> p.skipChildren();
        }
      }
      return new Span(
          traceId, spanId, parent, service, name, KINDS[kind], start, duration, CODES[code], message,
          http, resource, attributes, events, links, sessionId, chapterId);
    } catch (IOException e) {
      throw new UncheckedIOException("stored span is not readable", e);
    }
  }

  private static void writeAttributes(JsonGenerator g, String field, Map<String, AttributeValue> attributes)
      throws IOException {
    if (attributes.isEmpty()) return;
    g.writeObjectFieldStart(field);
    for (Map.Entry<String, AttributeValue> e : attributes.entrySet()) {
      AttributeValue v = e.getValue();
      g.writeStringField(e.getKey(), (char) ('A' + v.type().ordinal()) + v.value());
    }
    g.writeEndObject();
  }

  private static Map<String, AttributeValue> readAttributes(JsonParser p) throws IOException {
    expect(p.currentToken(), JsonToken.START_OBJECT);
    Map<String, AttributeValue> attributes = new HashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      p.nextToken();
      String typed = p.getText();
      attributes.put(key, new AttributeValue(TYPES[typed.charAt(0) - 'A'], typed.substring(1)));
    }
    return attributes;
  }

  private static List<SpanEvent> readEvents(JsonParser p) throws IOException {
    expect(p.currentToken(), JsonToken.START_ARRAY);
    List<SpanEvent> events = new ArrayList<>();
    while (p.nextToken() == JsonToken.START_OBJECT) {
      long time = 0;
      String name = "";
      Map<String, AttributeValue> attributes = Map.of();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "t" -> time = p.getLongValue();
          case "n" -> name = p.getText();
          case "a" -> attributes = readAttributes(p);
          default -> p.skipChildren();
        }
      }
      events.add(new SpanEvent(time, name, attributes));
    }
    return events;
  }

  private static List<SpanLink> readLinks(JsonParser p) throws IOException {
    expect(p.currentToken(), JsonToken.START_ARRAY);
    List<SpanLink> links = new ArrayList<>();
    while (p.nextToken() == JsonToken.START_OBJECT) {
      String traceId = null, spanId = null;
      Map<String, AttributeValue> attributes = Map.of();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "t" -> traceId = p.getText();
          case "s" -> spanId = p.getText();
          case "a" -> attributes = readAttributes(p);
          default -> p.skipChildren();
        }
      }
      links.add(new SpanLink(traceId, spanId, attributes));
    }
    return links;
  }

  private static void expect(JsonToken actual, JsonToken expected) throws IOException {
    if (actual != expected) throw new IOException("expected " + expected + ", got " + actual);
  }
}
