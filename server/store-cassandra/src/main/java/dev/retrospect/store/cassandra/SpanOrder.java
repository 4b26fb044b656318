package dev.retrospect.store.cassandra;

import dev.retrospect.core.Ids;
import dev.retrospect.core.InvalidInputException;
import dev.retrospect.core.Span;
import dev.retrospect.core.SpanSort;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;

/**
 * The total order of a span search, and its cursor: the sort key of the last span of a page. Ties
 * are ordered by trace id then span id in the direction of the sort, so every span has one place
 * and following cursors neither skips nor repeats one.
 */
record SpanOrder(SpanSort sort) {

  /** A span's place in the order: its start time or duration, then its ids. */
  record Key(long value, String traceId, String spanId) {}

  Key key(Span span) {
    return new Key(byTime() ? span.startMicros() : span.durationMicros(), span.traceId(), span.spanId());
  }

  boolean byTime() {
    return sort == SpanSort.NEWEST || sort == SpanSort.OLDEST;
  }

  /** True when the order goes from high values to low (newest, longest first). */
  boolean descending() {
    return sort == SpanSort.NEWEST || sort == SpanSort.LONGEST;
  }

  Comparator<Key> keys() {
    Comparator<Key> ascending =
        Comparator.comparingLong(Key::value).thenComparing(Key::traceId).thenComparing(Key::spanId);
    return descending() ? ascending.reversed() : ascending;
  }

  Comparator<Span> spans() {
    Comparator<Key> keys = keys();
    return (a, b) -> keys.compare(key(a), key(b));
  }

  /** True when the span comes after the cursor (always, without a cursor). */
  boolean after(Key cursor, Span span) {
    return cursor == null || keys().compare(key(span), cursor) > 0;
  }

  String encode(Key key) {
    String text = sort.name() + ":" + key.value() + ":" + key.traceId() + ":" + key.spanId();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The cursor's key; null for no cursor. */
  Key decode(String cursor) {
    if (cursor == null) return null;
    try {
      String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split(":");
      if (parts.length != 4) throw new IllegalArgumentException();
      if (!parts[0].equals(sort.name())) {
        throw new InvalidInputException("cursor belongs to a search sorted by " + parts[0].toLowerCase()
            + ", not " + sort.name().toLowerCase());
      }
      return new Key(Long.parseLong(parts[1]), Ids.traceId(parts[2]), Ids.spanId(parts[3]));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("cursor is not one this server returned: " + Ids.quote(cursor));
    }
  }
}
