package dev.retrospect.store.embedded;

import dev.retrospect.core.AttributeValue;
import dev.retrospect.core.SearchText;
import dev.retrospect.core.Span;
import java.util.Arrays;
import java.util.HexFormat;
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

  static SpanRow of(Span span) {
    return new SpanRow(
        HEX.parseHex(span.traceId()),
        HEX.parseHex(span.spanId()),
        span.service(),
        span.startMicros(),
        span.durationMicros(),
        span.httpStatus(),
        span.isError(),
        SpanCodec.encode(span, span.resourceAttributes().isEmpty()),
        span.resourceAttributes().isEmpty() ? null : Resource.of(span.resourceAttributes()),
        SearchText.of(span));
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
