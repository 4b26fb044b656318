package dev.retrospect.core;

/**
 * A span search. Every field but limit and sort may be null (no filter).
 *
 * @param text free text: every word must match a whole word, or the start of one, in the span's
 *     name, service, URL, attribute values or captured bodies (case-insensitive); {@link
 *     SearchText} is the precise rule
 * @param fromMicros spans that started at or after this time
 * @param toMicros spans that started before this time (exclusive)
 * @param cursor the {@link Page#nextCursor} of the previous page, opaque to clients
 */
public record SpanQuery(
    String text,
    String service,
    StatusFilter status,
    Long fromMicros,
    Long toMicros,
    Long minDurationMicros,
    Long maxDurationMicros,
    SpanSort sort,
    int limit,
    String cursor) {

  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 1000;

  public SpanQuery {
    text = text == null || text.isBlank() ? null : text.trim();
    service = service == null || service.isBlank() ? null : service;
    sort = sort == null ? SpanSort.NEWEST : sort;
    if (limit <= 0) limit = DEFAULT_LIMIT;
    if (limit > MAX_LIMIT) {
      throw new InvalidInputException("limit must be at most " + MAX_LIMIT + ", got " + limit);
    }
    if (fromMicros != null && toMicros != null && toMicros < fromMicros) {
      throw new InvalidInputException("to must not be before from");
    }
    cursor = cursor == null || cursor.isBlank() ? null : cursor;
  }

  /** A query with no filters, newest first: a start for the builder-style withers below. */
  public static SpanQuery all() {
    return new SpanQuery(null, null, null, null, null, null, null, SpanSort.NEWEST, DEFAULT_LIMIT, null);
  }

  public SpanQuery withText(String v) { return new SpanQuery(v, service, status, fromMicros, toMicros, minDurationMicros, maxDurationMicros, sort, limit, cursor); }
  public SpanQuery withService(String v) { return new SpanQuery(text, v, status, fromMicros, toMicros, minDurationMicros, maxDurationMicros, sort, limit, cursor); }
  public SpanQuery withStatus(StatusFilter v) { return new SpanQuery(text, service, v, fromMicros, toMicros, minDurationMicros, maxDurationMicros, sort, limit, cursor); }
  public SpanQuery withTime(Long from, Long to) { return new SpanQuery(text, service, status, from, to, minDurationMicros, maxDurationMicros, sort, limit, cursor); }
  public SpanQuery withDuration(Long min, Long max) { return new SpanQuery(text, service, status, fromMicros, toMicros, min, max, sort, limit, cursor); }
  public SpanQuery withSort(SpanSort v) { return new SpanQuery(text, service, status, fromMicros, toMicros, minDurationMicros, maxDurationMicros, v, limit, cursor); }
  public SpanQuery withLimit(int v) { return new SpanQuery(text, service, status, fromMicros, toMicros, minDurationMicros, maxDurationMicros, sort, v, cursor); }
  public SpanQuery withCursor(String v) { return new SpanQuery(text, service, status, fromMicros, toMicros, minDurationMicros, maxDurationMicros, sort, limit, v); }
}
