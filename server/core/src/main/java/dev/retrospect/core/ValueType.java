package dev.retrospect.core;

/** The original OpenTelemetry type of an attribute value, kept beside its string form. */
public enum ValueType {
  STRING,
  BOOL,
  INT,
  DOUBLE,
  /** An array; the value is its JSON text. */
  ARRAY,
  /** A key-value list; the value is its JSON text. */
  KVLIST,
  /** Bytes; the value is base64. */
  BYTES
}
