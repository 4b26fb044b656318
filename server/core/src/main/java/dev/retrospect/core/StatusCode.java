package dev.retrospect.core;

/** OpenTelemetry span status codes. */
public enum StatusCode {
  UNSET,
  OK,
  ERROR
}
