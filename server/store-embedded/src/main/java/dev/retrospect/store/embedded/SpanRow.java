package dev.retrospect.store.embedded;

import dev.retrospect.core.SearchText;
import dev.retrospect.core.Span;
import java.util.HexFormat;

/**
 * A span ready for insertion: serialized and tokenizable text made on the caller's thread, so that
 * the single writer thread only binds values.
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
        SpanCodec.encode(span),
        SearchText.of(span));
  }
}
