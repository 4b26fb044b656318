package dev.retrospect.core;

import java.util.Locale;

/** Orders of span search results. Ties are broken by trace id, then span id. */
public enum SpanSort {
  NEWEST,
  OLDEST,
  LONGEST,
  SHORTEST;

  /** Parses {@code newest|oldest|longest|shortest}; null or empty gives NEWEST. */
  public static SpanSort parse(String text) {
    if (text == null || text.isBlank()) return NEWEST;
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          "sort must be newest, oldest, longest or shortest, got " + Ids.quote(text));
    }
  }
}
