package dev.retrospect.store.embedded;

import com.fasterxml.jackson.core.JsonFactory;
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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A span as kept in the {@code spans.body} column: a compact binary record (format byte {@link
 * #BINARY}, then length-prefixed UTF-8 strings, varints and the raw id bytes). It replaced a JSON
 * document with short keys, which cost a third of the ingest path's Java time: every attribute
 * value was copied to prefix its type, and a JSON request body inside an attribute was escaped
 * character by character. Rows written in that JSON format (they start with <code>{</code>) are
 * still read.
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
  static final byte BINARY = 1;

  private SpanCodec() {}

  static byte[] encode(Span span) {
    Writer w = new Writer();
    w.out[w.size++] = BINARY;
    w.hexId(span.traceId());
    w.hexId(span.spanId());
    w.string(span.parentSpanId());
    w.string(span.service());
    w.string(span.name());
    w.varint(span.kind().ordinal());
    w.fixed(span.startMicros());
    w.varint(span.durationMicros());
    w.varint(span.statusCode().ordinal());
    w.string(span.statusMessage());
    w.varint(span.httpStatus() == null ? 0 : span.httpStatus() + 1L);
    w.attributes(span.resourceAttributes());
    w.attributes(span.attributes());
    w.varint(span.events().size());
    for (SpanEvent e : span.events()) {
      w.fixed(e.timeMicros());
      w.string(e.name());
      w.attributes(e.attributes());
    }
    w.varint(span.links().size());
    for (SpanLink l : span.links()) {
      w.hexId(l.traceId());
      w.hexId(l.spanId());
      w.attributes(l.attributes());
    }
    w.string(span.sessionId());
    w.string(span.chapterId());
    return Arrays.copyOf(w.out, w.size);
  }

  static Span decode(byte[] body) {
    if (body.length > 0 && body[0] == '{') return decodeJson(body);
    Reader r = new Reader(body);
    if (r.in[r.at++] != BINARY) throw new IllegalStateException("stored span has an unknown format " + body[0]);
    String traceId = r.hexId(16);
    String spanId = r.hexId(8);
    String parent = r.string();
    String service = r.string();
    String name = r.string();
    SpanKind kind = KINDS[(int) r.varint()];
    long start = r.fixed();
    long duration = r.varint();
    StatusCode code = CODES[(int) r.varint()];
    String message = r.string();
    long http = r.varint();
    Map<String, AttributeValue> resource = r.attributes();
    Map<String, AttributeValue> attributes = r.attributes();
    int eventCount = (int) r.varint();
    List<SpanEvent> events = eventCount == 0 ? List.of() : new ArrayList<>(eventCount);
    for (int i = 0; i < eventCount; i++) events.add(new SpanEvent(r.fixed(), r.string(), r.attributes()));
    int linkCount = (int) r.varint();
    List<SpanLink> links = linkCount == 0 ? List.of() : new ArrayList<>(linkCount);
    for (int i = 0; i < linkCount; i++) links.add(new SpanLink(r.hexId(16), r.hexId(8), r.attributes()));
    String sessionId = r.string();
    String chapterId = r.string();
    return new Span(
        traceId, spanId, parent, service, name, kind, start, duration, code, message,
        http == 0 ? null : (int) (http - 1), resource, attributes, events, links, sessionId, chapterId);
  }

  /** The span body format written before the binary one. */
  private static Span decodeJson(byte[] body) {
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

  /** Appends to a growing array; strings are a varint of (UTF-8 length + 1), 0 meaning null. */
  private static final class Writer {
    byte[] out = new byte[512];
    int size;

    void string(String value) {
      if (value == null) {
        varint(0);
        return;
      }
      byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
      varint(utf8.length + 1L);
      room(utf8.length);
      System.arraycopy(utf8, 0, out, size, utf8.length);
      size += utf8.length;
    }

    /** A validated lower-case hex id (the model normalizes ids so) as its bytes. */
    void hexId(String hex) {
      room(hex.length() / 2);
      for (int i = 0; i < hex.length(); i += 2) out[size++] = (byte) (nibble(hex.charAt(i)) << 4 | nibble(hex.charAt(i + 1)));
    }

    private static int nibble(char c) {
      return c <= '9' ? c - '0' : c - 'a' + 10;
    }

    void attributes(Map<String, AttributeValue> attributes) {
      varint(attributes.size());
      for (Map.Entry<String, AttributeValue> e : attributes.entrySet()) {
        string(e.getKey());
        varint(e.getValue().type().ordinal());
        string(e.getValue().value());
      }
    }

    void varint(long value) {
      room(10);
      while ((value & ~0x7FL) != 0) {
        out[size++] = (byte) (value & 0x7F | 0x80);
        value >>>= 7;
      }
      out[size++] = (byte) value;
    }

    void fixed(long value) {
      room(8);
      for (int shift = 56; shift >= 0; shift -= 8) out[size++] = (byte) (value >>> shift);
    }

    private void room(int bytes) {
      if (size + bytes > out.length) out = Arrays.copyOf(out, Math.max(out.length * 2, size + bytes));
    }
  }

  private static final class Reader {
    final byte[] in;
    int at;

    Reader(byte[] in) {
      this.in = in;
    }

    String string() {
      long n = varint();
      if (n == 0) return null;
      int length = (int) (n - 1);
      String value = new String(in, at, length, StandardCharsets.UTF_8);
      at += length;
      return value;
    }

    String hexId(int bytes) {
      String hex = SpanRow.HEX.formatHex(in, at, at + bytes);
      at += bytes;
      return hex;
    }

    Map<String, AttributeValue> attributes() {
      int count = (int) varint();
      if (count == 0) return Map.of();
      Map<String, AttributeValue> attributes = new LinkedHashMap<>(count * 2);
      for (int i = 0; i < count; i++) {
        String key = string();
        ValueType type = TYPES[(int) varint()];
        attributes.put(key, new AttributeValue(type, string()));
      }
      return attributes;
    }

    long varint() {
      long value = 0;
      for (int shift = 0; ; shift += 7) {
        byte b = in[at++];
        value |= (long) (b & 0x7F) << shift;
        if (b >= 0) return value;
      }
    }

    long fixed() {
      long value = 0;
      for (int i = 0; i < 8; i++) value = value << 8 | (in[at++] & 0xFF);
      return value;
    }
  }
}
