package dev.retrospect.store.embedded;

import dev.retrospect.core.AttributeValue;
import dev.retrospect.core.SearchText;
import dev.retrospect.core.Span;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A span ready for insertion: serialized and tokenizable text made on the caller's thread, so that
 * the single writer thread only binds values. {@code resource} is null when the span has no
 * resource attributes (its body is then format 1, with an empty map inline).
 */
record SpanRow(
    byte[] traceId,
    byte[] spanId,
    String service,
    long startMicros,
    long durationMicros,
    Integer httpStatus,
    boolean error,
    byte[] body,
    Resource resource,
    String text) {

  static final HexFormat HEX = HexFormat.of();

  /**
   * The rows of spans. Spans that share one resource map (the spans of one OTLP resource) share
   * one encoding of it, instead of each encoding, hashing and comparing its own.
   */
  static List<SpanRow> of(List<Span> spans) {
    Map<Map<String, AttributeValue>, Resource> resources = new IdentityHashMap<>();
    List<SpanRow> rows = new ArrayList<>(spans.size());
    for (Span span : spans) {
      Resource resource = span.resourceAttributes().isEmpty()
          ? null : resources.computeIfAbsent(span.resourceAttributes(), Resource::of);
      rows.add(new SpanRow(
          HEX.parseHex(span.traceId()),
          HEX.parseHex(span.spanId()),
          span.service(),
          span.startMicros(),
          span.durationMicros(),
          span.httpStatus(),
          span.isError(),
          SpanCodec.encode(span, resource == null),
          resource,
          SearchText.of(span)));
    }
    return rows;
  }

  /**
   * Resource attributes as a {@code resources.body}, compared by content: the spans of one process
   * carry equal ones, stored once.
   */
  record Resource(byte[] body, int hash) {
    static Resource of(Map<String, AttributeValue> attributes) {
      byte[] body = SpanCodec.encodeAttributes(attributes);
      return new Resource(body, Arrays.hashCode(body));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Resource other && hash == other.hash && Arrays.equals(body, other.body);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
