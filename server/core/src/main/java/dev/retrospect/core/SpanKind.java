package dev.retrospect.core;

/** OpenTelemetry span kinds. */
public enum SpanKind {
  UNSPECIFIED,
  INTERNAL,
  SERVER,
  CLIENT,
  PRODUCER,
  CONSUMER
}
