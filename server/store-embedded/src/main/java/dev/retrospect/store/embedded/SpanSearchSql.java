package dev.retrospect.store.embedded;

import dev.retrospect.core.Ids;
import dev.retrospect.core.InvalidInputException;
import dev.retrospect.core.Span;
import dev.retrospect.core.SpanQuery;
import dev.retrospect.core.SpanSort;
import dev.retrospect.core.StatusFilter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The SQL of one span search. Pages by keyset: the cursor is the sort key, trace id and span id of
 * the page's last row, and the next page starts strictly after it, so rows written meanwhile
 * neither shift nor repeat a page.
 */
record SpanSearchSql(String sql, List<Object> parameters) {

  /**
   * Builds the search; {@code match} is a {@link TextMatch} expression or null for no text
   * filter. With text, the text index is read first (CROSS JOIN fixes that order):
   * words are what narrows a search most. The query selects one row more than the limit to know
   * whether a next page exists; {@code limited} false leaves the limit out, for a caller that checks
   * more words on each row and stops reading itself (the text match is then a rare word).
   */
  static SpanSearchSql of(SpanQuery q, String match, boolean limited) {
    List<Object> params = new ArrayList<>();
    StringBuilder sql = new StringBuilder("SELECT s.body, s.resource_id FROM ");
    List<String> where = new ArrayList<>();
    if (match == null) {
      sql.append("spans s");
    } else {
      sql.append("span_text CROSS JOIN spans s ON s.id = span_text.rowid");
      where.add("span_text MATCH ?");
      params.add(match);
    }
    if (q.service() != null) {
      where.add("s.service = ?");
      params.add(q.service());
    }
    StatusFilter status = q.status();
    if (status != null) {
      switch (status.kind()) {
        case CODE -> {
          where.add("s.http_status = ?");
          params.add(status.value());
        }
        case CLASS -> {
          where.add("s.http_status >= ? AND s.http_status < ?");
          params.add(status.value() * 100);
          params.add(status.value() * 100 + 100);
        }
        case ERROR -> where.add("s.is_error = 1");
      }
    }
    if (q.fromMicros() != null) {
      where.add("s.start_us >= ?");
      params.add(q.fromMicros());
    }
    if (q.toMicros() != null) {
      where.add("s.start_us < ?");
      params.add(q.toMicros());
    }
    if (q.minDurationMicros() != null) {
      where.add("s.duration_us >= ?");
      params.add(q.minDurationMicros());
    }
    if (q.maxDurationMicros() != null) {
      where.add("s.duration_us <= ?");
      params.add(q.maxDurationMicros());
    }
    String key = keyColumn(q.sort());
    boolean descending = q.sort() == SpanSort.NEWEST || q.sort() == SpanSort.LONGEST;
    String direction = descending ? "DESC" : "ASC";
    if (q.cursor() != null) {
      Cursor c = Cursor.decode(q.cursor(), q.sort());
      where.add("(" + key + ", s.trace_id, s.span_id) " + (descending ? "<" : ">") + " (?, ?, ?)");
      params.add(c.key());
      params.add(SpanRow.HEX.parseHex(c.traceId()));
      params.add(SpanRow.HEX.parseHex(c.spanId()));
    }
    if (!where.isEmpty()) sql.append(" WHERE ").append(String.join(" AND ", where));
    sql.append(" ORDER BY ").append(key).append(' ').append(direction)
        .append(", s.trace_id ").append(direction).append(", s.span_id ").append(direction);
    if (limited) {
      sql.append(" LIMIT ?");
      params.add(q.limit() + 1);
    }
    return new SpanSearchSql(sql.toString(), params);
  }

  /** The cursor that continues after this span. */
  static String cursorAfter(Span last, SpanSort sort) {
    long key = sort == SpanSort.NEWEST || sort == SpanSort.OLDEST ? last.startMicros() : last.durationMicros();
    return new Cursor(sort, key, last.traceId(), last.spanId()).encode();
  }

  private static String keyColumn(SpanSort sort) {
    return switch (sort) {
      case NEWEST, OLDEST -> "s.start_us";
      case LONGEST, SHORTEST -> "s.duration_us";
    };
  }

  private record Cursor(SpanSort sort, long key, String traceId, String spanId) {
    String encode() {
      String text = sort.ordinal() + ":" + key + ":" + traceId + ":" + spanId;
      return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static Cursor decode(String cursor, SpanSort expected) {
      try {
        String[] parts =
            new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split(":");
        SpanSort sort = SpanSort.values()[Integer.parseInt(parts[0])];
        if (sort != expected) throw new InvalidInputException("cursor belongs to another sort order");
        String traceId = parts[2];
        String spanId = parts[3];
        if (parts.length != 4 || !Ids.isHex(traceId, 32) || !Ids.isHex(spanId, 16)) {
          throw new IllegalArgumentException();
        }
        return new Cursor(sort, Long.parseLong(parts[1]), traceId, spanId);
      } catch (InvalidInputException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new InvalidInputException("cursor is not one this server gave out");
      }
    }
  }
}
