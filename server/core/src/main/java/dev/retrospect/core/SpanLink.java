package dev.retrospect.core;

import java.util.Map;

/** A link from a span to a span of another (or the same) trace. */
public record SpanLink(String traceId, String spanId, Map<String, AttributeValue> attributes) {
  public SpanLink {
    traceId = Ids.traceId(traceId);
    spanId = Ids.spanId(spanId);
    attributes = Attributes.copyOf(attributes);
  }
}
