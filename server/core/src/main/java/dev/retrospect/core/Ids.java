package dev.retrospect.core;

/** Validates and normalizes the hex identifiers that Retrospect joins on (trace, span, session, chapter). */
public final class Ids {
  private Ids() {}

  /** Lower-cases a 32-hex trace id and checks it; an all-zero id is invalid, as in W3C trace context. */
  public static String traceId(String value) {
    return hex("traceId", value, 32);
  }

  /** Lower-cases a 16-hex span id and checks it. */
  public static String spanId(String value) {
    return hex("spanId", value, 16);
  }

  /** Like {@link #spanId} but null or empty (a root span) gives null. */
  public static String parentSpanId(String value) {
    if (value == null || value.isEmpty()) return null;
    String id = hex("parentSpanId", value, 16);
    return id;
  }

  /** Session and chapter ids are 128-bit random values made in the browser: 32 hex characters. */
  public static String sessionId(String value) {
    return hex("sessionId", value, 32);
  }

  /** See {@link #sessionId}. */
  public static String chapterId(String value) {
    return hex("chapterId", value, 32);
  }

  /** True when value is a valid id of the given hex length (not all zeros). */
  public static boolean isHex(String value, int length) {
    if (value == null || value.length() != length) return false;
    boolean nonZero = false;
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      boolean digit = c >= '0' && c <= '9';
      boolean lower = c >= 'a' && c <= 'f';
      boolean upper = c >= 'A' && c <= 'F';
      if (!digit && !lower && !upper) return false;
      if (c != '0') nonZero = true;
    }
    return nonZero;
  }

  private static String hex(String field, String value, int length) {
    if (!isHex(value, length)) {
      throw new InvalidInputException(
          field + " must be " + length + " hex characters, not all zero, got " + quote(value));
    }
    return value.toLowerCase(java.util.Locale.ROOT);
  }

  /** Quotes a value for an error message, cut so that hostile input does not flood logs. */
  public static String quote(String value) {
    if (value == null) return "null";
    String shown = value.length() > 64 ? value.substring(0, 64) + "…" : value;
    return '"' + shown + '"';
  }
}
