package dev.retrospect.bench;

import java.util.Map;

/**
 * One span of a generated trace, independent of any wire format, so that Retrospect (OTLP) and
 * Zipkin (v2 JSON) receive the same logical data.
 *
 * @param attributes values are {@code String} or {@code Long}
 */
public record LogicalSpan(
    String traceId,
    String spanId,
    String parentSpanId,
    String service,
    String name,
    long startMicros,
    long durationMicros,
    int httpStatus,
    Map<String, Object> attributes) {

  public boolean isError() {
    return httpStatus >= 500;
  }
}
