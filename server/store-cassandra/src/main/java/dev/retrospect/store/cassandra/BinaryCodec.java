package dev.retrospect.store.cassandra;

import dev.retrospect.core.AttributeValue;
import dev.retrospect.core.Chapter;
import dev.retrospect.core.Span;
import dev.retrospect.core.SpanEvent;
import dev.retrospect.core.SpanKind;
import dev.retrospect.core.SpanLink;
import dev.retrospect.core.StatusCode;
import dev.retrospect.core.ValueType;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The stored form of spans and chapters: a compact binary encoding, one blob per row, so a span is
 * read whole in one cell and its attributes keep their original types. The first byte is the
 * format version, so that a later format can still read rows written by an earlier one until they
 * expire. Format 1 holds a span whole; format 2 names its resource attributes by their {@link
 * ResourceKey} (stored once in the {@code resources} table, see {@link Resources}) instead, right
 * after the format byte, so that a reader finds the keys of a page without decoding its spans.
 * Chapters and resource attributes are stored in format 1.
 */
final class BinaryCodec {
  private static final byte WHOLE = 1;
  private static final byte RESOURCE_KEY = 2;

  private BinaryCodec() {}

  /** The span with its resource attributes inline (format 1): for spans without any. */
  static ByteBuffer encode(Span span) {
    return write(WHOLE, out -> {
      spanUntilResource(out, span);
      attributes(out, span.resourceAttributes());
      spanAfterResource(out, span);
    });
  }

  /** The span naming its resource attributes by their key (format 2). */
  static ByteBuffer encode(Span span, ResourceKey resource) {
    return write(RESOURCE_KEY, out -> {
      out.writeLong(resource.high());
      out.writeLong(resource.low());
      spanUntilResource(out, span);
      spanAfterResource(out, span);
    });
  }

  /** The resource key a stored span names; null for a span stored whole (format 1). */
  static ResourceKey resourceKey(ByteBuffer span) {
    ByteBuffer b = span.duplicate();
    return b.get() == RESOURCE_KEY ? new ResourceKey(b.getLong(), b.getLong()) : null;
  }

  /**
   * A stored span of either format; {@code resources} gives the attributes of the resource a
   * format 2 span names.
   */
  static Span decodeSpan(ByteBuffer bytes, Function<ResourceKey, Map<String, AttributeValue>> resources) {
    return read(bytes, (format, in) -> {
      ResourceKey key = format == RESOURCE_KEY ? new ResourceKey(in.readLong(), in.readLong()) : null;
      String traceId = string(in);
      String spanId = string(in);
      String parent = nullable(in);
      String service = string(in);
      String name = string(in);
      SpanKind kind = SpanKind.values()[in.readByte()];
      long start = in.readLong();
      long duration = in.readLong();
      StatusCode status = StatusCode.values()[in.readByte()];
      String message = string(in);
      int http = in.readInt();
      Map<String, AttributeValue> resource = key == null ? attributes(in) : resources.apply(key);
      Map<String, AttributeValue> attributes = attributes(in);
      int eventCount = in.readInt();
      List<SpanEvent> events = new ArrayList<>(eventCount);
      for (int i = 0; i < eventCount; i++) events.add(new SpanEvent(in.readLong(), string(in), attributes(in)));
      int linkCount = in.readInt();
      List<SpanLink> links = new ArrayList<>(linkCount);
      for (int i = 0; i < linkCount; i++) links.add(new SpanLink(string(in), string(in), attributes(in)));
      return new Span(traceId, spanId, parent, service, name, kind, start, duration, status, message,
          http < 0 ? null : http, resource, attributes, events, links, nullable(in), nullable(in));
    });
  }

  private static void spanUntilResource(DataOutputStream out, Span span) throws IOException {
    string(out, span.traceId());
    string(out, span.spanId());
    nullable(out, span.parentSpanId());
    string(out, span.service());
    string(out, span.name());
    out.writeByte(span.kind().ordinal());
    out.writeLong(span.startMicros());
    out.writeLong(span.durationMicros());
    out.writeByte(span.statusCode().ordinal());
    string(out, span.statusMessage());
    out.writeInt(span.httpStatus() == null ? -1 : span.httpStatus());
  }

  private static void spanAfterResource(DataOutputStream out, Span span) throws IOException {
    attributes(out, span.attributes());
    out.writeInt(span.events().size());
    for (SpanEvent e : span.events()) {
      out.writeLong(e.timeMicros());
      string(out, e.name());
      attributes(out, e.attributes());
    }
    out.writeInt(span.links().size());
    for (SpanLink l : span.links()) {
      string(out, l.traceId());
      string(out, l.spanId());
      attributes(out, l.attributes());
    }
    nullable(out, span.sessionId());
    nullable(out, span.chapterId());
  }

  /** Resource attributes as the {@code resources} table stores them; their key hashes these bytes. */
  static ByteBuffer encodeResource(Map<String, AttributeValue> attributes) {
    return write(WHOLE, out -> attributes(out, attributes));
  }

  static Map<String, AttributeValue> decodeResource(ByteBuffer bytes) {
    return read(bytes, (format, in) -> attributes(in));
  }

  static ByteBuffer encode(List<Chapter> chapters) {
    return write(WHOLE, out -> {
      out.writeInt(chapters.size());
      for (Chapter c : chapters) chapter(out, c);
    });
  }

  static List<Chapter> decodeChapters(ByteBuffer bytes) {
    return read(bytes, (format, in) -> {
      int count = in.readInt();
      List<Chapter> chapters = new ArrayList<>(count);
      for (int i = 0; i < count; i++) chapters.add(chapter(in));
      return chapters;
    });
  }

  static ByteBuffer encode(Chapter chapter) {
    return encode(List.of(chapter));
  }

  static Chapter decodeChapter(ByteBuffer bytes) {
    return decodeChapters(bytes).get(0);
  }

  private static void chapter(DataOutputStream out, Chapter c) throws IOException {
    string(out, c.chapterId());
    string(out, c.sessionId());
    out.writeInt(c.sequence());
    nullable(out, c.traceId());
    out.writeLong(c.firstEventMicros());
    nullableLong(out, c.requestMicros());
    nullable(out, c.requestMethod());
    nullable(out, c.requestUrl());
    nullableLong(out, c.responseStatus() == null ? null : c.responseStatus().longValue());
    nullableLong(out, c.durationMicros());
    nullable(out, c.error());
  }

  private static Chapter chapter(DataInputStream in) throws IOException {
    String id = string(in);
    String session = string(in);
    int sequence = in.readInt();
    String trace = nullable(in);
    long first = in.readLong();
    Long request = nullableLong(in);
    String method = nullable(in);
    String url = nullable(in);
    Long status = nullableLong(in);
    Long duration = nullableLong(in);
    String error = nullable(in);
    return new Chapter(id, session, sequence, trace, first, request, method, url,
        status == null ? null : status.intValue(), duration, error);
  }

  private static void attributes(DataOutputStream out, Map<String, AttributeValue> attributes) throws IOException {
    out.writeInt(attributes.size());
    for (Map.Entry<String, AttributeValue> e : attributes.entrySet()) {
      string(out, e.getKey());
      out.writeByte(e.getValue().type().ordinal());
      string(out, e.getValue().value());
    }
  }

  private static Map<String, AttributeValue> attributes(DataInputStream in) throws IOException {
    int count = in.readInt();
    Map<String, AttributeValue> attributes = new LinkedHashMap<>(count * 2);
    for (int i = 0; i < count; i++) {
      String key = string(in);
      ValueType type = ValueType.values()[in.readByte()];
      attributes.put(key, new AttributeValue(type, string(in)));
    }
    return attributes;
  }

  // Strings are length-prefixed UTF-8 without DataOutput's 64 KB limit: captured bodies may be larger.
  private static void string(DataOutputStream out, String s) throws IOException {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static String string(DataInputStream in) throws IOException {
    byte[] bytes = new byte[in.readInt()];
    in.readFully(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static void nullable(DataOutputStream out, String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) string(out, s);
  }

  private static String nullable(DataInputStream in) throws IOException {
    return in.readBoolean() ? string(in) : null;
  }

  private static void nullableLong(DataOutputStream out, Long v) throws IOException {
    out.writeBoolean(v != null);
    if (v != null) out.writeLong(v);
  }

  private static Long nullableLong(DataInputStream in) throws IOException {
    return in.readBoolean() ? in.readLong() : null;
  }

  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private interface Reader<T> {
    T read(byte format, DataInputStream in) throws IOException;
  }

  private static ByteBuffer write(byte format, Writer writer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(format);
      writer.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ByteBuffer.wrap(bytes.toByteArray());
  }

  private static <T> T read(ByteBuffer buffer, Reader<T> reader) {
    ByteBuffer b = buffer.duplicate();
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
      byte format = in.readByte();
      if (format != WHOLE && format != RESOURCE_KEY) throw new IllegalStateException("unknown stored format " + format);
      return reader.read(format, in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
