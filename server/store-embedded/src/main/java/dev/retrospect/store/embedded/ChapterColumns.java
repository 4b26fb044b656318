package dev.retrospect.store.embedded;

import dev.retrospect.core.Chapter;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

/** How a {@link Chapter} maps to the columns of the {@code chapters} table, both ways. */
final class ChapterColumns {
  private ChapterColumns() {}

  /** The select list that {@link #read} expects, in order. */
  static final String SELECT =
      "chapter_id, session_id, sequence, trace_id, first_event_us, request_us, method, url, status,"
          + " duration_us, error";

  static Chapter read(ResultSet r) throws SQLException {
    byte[] trace = r.getBytes(4);
    return new Chapter(
        r.getString(1),
        r.getString(2),
        r.getInt(3),
        trace == null ? null : SpanRow.HEX.formatHex(trace),
        r.getLong(5),
        nullableLong(r, 6),
        r.getString(7),
        r.getString(8),
        nullableInt(r, 9),
        nullableLong(r, 10),
        r.getString(11));
  }

  /** Binds the chapter's 11 columns from parameter {@code first} on, in {@link #SELECT} order. */
  static void bind(PreparedStatement p, int first, Chapter c) throws SQLException {
    p.setString(first, c.chapterId());
    p.setString(first + 1, c.sessionId());
    p.setInt(first + 2, c.sequence());
    p.setBytes(first + 3, c.traceId() == null ? null : SpanRow.HEX.parseHex(c.traceId()));
    p.setLong(first + 4, c.firstEventMicros());
    setNullable(p, first + 5, c.requestMicros());
    p.setString(first + 6, c.requestMethod());
    p.setString(first + 7, c.requestUrl());
    setNullable(p, first + 8, c.responseStatus() == null ? null : c.responseStatus().longValue());
    setNullable(p, first + 9, c.durationMicros());
    p.setString(first + 10, c.error());
  }

  static Long nullableLong(ResultSet r, int column) throws SQLException {
    long v = r.getLong(column);
    return r.wasNull() ? null : v;
  }

  static Integer nullableInt(ResultSet r, int column) throws SQLException {
    int v = r.getInt(column);
    return r.wasNull() ? null : v;
  }

  static void setNullable(PreparedStatement p, int index, Long value) throws SQLException {
    if (value == null) p.setNull(index, Types.INTEGER);
    else p.setLong(index, value);
  }
}
