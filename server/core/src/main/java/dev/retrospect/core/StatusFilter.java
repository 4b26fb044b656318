package dev.retrospect.core;

import java.util.Locale;

/**
 * The {@code status} search filter: an exact HTTP code ({@code 503}), a class ({@code 5xx}) or
 * {@code error} (OTel status ERROR or HTTP 5xx).
 */
public record StatusFilter(Kind kind, int value) {
  public enum Kind {
    CODE,
    CLASS,
    ERROR
  }

  public static final StatusFilter ERROR = new StatusFilter(Kind.ERROR, 0);

  /** Parses the query parameter; null or empty gives null (no filter). */
  public static StatusFilter parse(String text) {
    if (text == null || text.isBlank()) return null;
    String s = text.trim().toLowerCase(Locale.ROOT);
    if (s.equals("error")) return ERROR;
    if (s.length() == 3 && s.endsWith("xx") && s.charAt(0) >= '1' && s.charAt(0) <= '9') {
      return new StatusFilter(Kind.CLASS, s.charAt(0) - '0');
    }
    if (s.length() == 3 && s.chars().allMatch(Character::isDigit) && s.charAt(0) != '0') {
      return new StatusFilter(Kind.CODE, Integer.parseInt(s));
    }
    throw new InvalidInputException(
        "status must be an HTTP code (503), a class (5xx) or error, got " + Ids.quote(text));
  }

  /** True when the span passes this filter. */
  public boolean matches(Span span) {
    return switch (kind) {
      case ERROR -> span.isError();
      case CODE -> span.httpStatus() != null && span.httpStatus() == value;
      case CLASS -> span.httpStatus() != null && span.httpStatus() / 100 == value;
    };
  }
}
