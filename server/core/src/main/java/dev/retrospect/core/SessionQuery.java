package dev.retrospect.core;

/**
 * A session search, newest first (by last seen).
 *
 * @param text words matched (whole word or prefix) against user id, user email and entry URL
 * @param fromMicros sessions last seen at or after this time
 * @param toMicros sessions first seen before this time
 * @param errorsOnly only sessions with at least one error
 */
public record SessionQuery(
    String text, Long fromMicros, Long toMicros, boolean errorsOnly, int limit, String cursor) {

  public SessionQuery {
    text = text == null || text.isBlank() ? null : text.trim();
    if (limit <= 0) limit = SpanQuery.DEFAULT_LIMIT;
    if (limit > SpanQuery.MAX_LIMIT) {
      throw new InvalidInputException("limit must be at most " + SpanQuery.MAX_LIMIT + ", got " + limit);
    }
    cursor = cursor == null || cursor.isBlank() ? null : cursor;
  }
}
