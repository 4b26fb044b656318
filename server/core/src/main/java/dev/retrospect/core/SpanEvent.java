package dev.retrospect.core;

import java.util.Map;
import java.util.Objects;

/** A timed event inside a span, such as an exception. */
public record SpanEvent(long timeMicros, String name, Map<String, AttributeValue> attributes) {
  public SpanEvent {
    Objects.requireNonNull(name, "name");
    attributes = Attributes.copyOf(attributes);
  }
}
