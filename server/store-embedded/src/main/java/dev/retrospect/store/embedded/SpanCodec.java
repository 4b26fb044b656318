package dev.retrospect.store.embedded;

import dev.retrospect.core.AttributeValue;
import dev.retrospect.core.Attributes;
import dev.retrospect.core.Span;
import dev.retrospect.core.SpanEvent;
import dev.retrospect.core.SpanKind;
import dev.retrospect.core.SpanLink;
import dev.retrospect.core.StatusCode;
import dev.retrospect.core.ValueType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A span as kept in the {@code spans.body} column: a compact binary record (format byte, then
 * length-prefixed UTF-8 strings, varints and the raw id bytes). It replaced a JSON document with
 * short keys, which cost a third of the ingest path's Java time: every attribute value was copied
 * to prefix its type, and a JSON request body inside an attribute was escaped character by
 * character.
 *
 * <p>Format {@link #BINARY} carries the resource attributes inline; format {@link
 * #SHARED_RESOURCE} leaves them out, and the row's {@code resource_id} names the {@code resources}
 * row that holds them, encoded by {@link #encodeAttributes}.
 */
final class SpanCodec {
  private static final ValueType[] TYPES = ValueType.values();
  private static final SpanKind[] KINDS = SpanKind.values();
  private static final StatusCode[] CODES = StatusCode.values();
  static final byte BINARY = 1;
  static final byte SHARED_RESOURCE = 2;

  /** The resource attributes of a format 2 body, by the row's {@code resource_id}. */
  interface Resources {
    Map<String, AttributeValue> byId(long id) throws java.sql.SQLException;
  }

  private SpanCodec() {}

  /** Format 1: everything inline. */
  static byte[] encode(Span span) {
    return encode(span, true);
  }

  /** Format 2 without the resource attributes (kept apart, see {@link #encodeAttributes}), else 1. */
  static byte[] encode(Span span, boolean resourceInline) {
    Writer w = new Writer();
    w.out[w.size++] = resourceInline ? BINARY : SHARED_RESOURCE;
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
    if (resourceInline) w.attributes(span.resourceAttributes());
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

  /** An attribute map on its own: a {@code resources.body}. */
  static byte[] encodeAttributes(Map<String, AttributeValue> attributes) {
    Writer w = new Writer();
    w.attributes(attributes);
    return Arrays.copyOf(w.out, w.size);
  }

  /** A {@code resources.body}, frozen once so that the spans read with it share it uncopied. */
  static Map<String, AttributeValue> decodeAttributes(byte[] body) {
    return Attributes.copyOf(new Reader(body).attributes());
  }

  /**
   * @param resourceId the row's {@code resource_id} (read only for format 2)
   * @param resources where format 2 finds its resource attributes
   */
  static Span decode(byte[] body, long resourceId, Resources resources) throws java.sql.SQLException {
    Reader r = new Reader(body);
    byte format = r.in[r.at++];
    if (format != BINARY && format != SHARED_RESOURCE) {
      throw new IllegalStateException("stored span has an unknown format " + format);
    }
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
    Map<String, AttributeValue> resource = format == BINARY ? r.attributes() : resources.byId(resourceId);
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
