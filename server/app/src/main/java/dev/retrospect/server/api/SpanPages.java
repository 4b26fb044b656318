package dev.retrospect.server.api;

import dev.retrospect.core.Page;
import dev.retrospect.core.Span;
import dev.retrospect.core.SpanQuery;
import dev.retrospect.core.Storage;
import dev.retrospect.server.ingest.OtlpSpanMapper;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A span search read page by page into the bytes of its answer, for {@code /api/spans} and
 * exports. Before each page is read, the query's memory share grows to hold it: as many rows as
 * fit {@link #PAGE_BYTES} at the largest row seen so far. Before any row is seen a row may be as
 * large as the largest attribute value ingest keeps, so the first page is only as many rows as
 * {@link #FIRST_PAGE_RESERVE} holds at that size: a default search (50 rows of spans of a few KB)
 * then reserves a few MB, not twenty, and two dozen of them fit a 384 MB heap's query budget at
 * once. A page is written out before the next is read, so a query holds its answer and one page
 * of spans, and large spans are read a few dozen at a time rather than a thousand.
 */
final class SpanPages {
  /** Answer bytes one page is sized for. */
  private static final long PAGE_BYTES = 4L << 20;

  /** What a row is taken to need before any has been seen. */
  private static final long FIRST_ROW_BYTES = OtlpSpanMapper.MAX_VALUE_CHARS;

  /** Heap the first page may reserve: 10 rows of {@link #FIRST_ROW_BYTES}. */
  private static final long FIRST_PAGE_RESERVE = 4L << 20;

  /** What separates the rows of a JSON answer. */
  static final byte[] COMMA = {','};

  private SpanPages() {}

  /** A span as a row of a JSON answer. */
  static byte[] json(Span s) {
    return ApiJson.bytes(ApiJson.span(s));
  }

  /**
   * The answer so far: one chunk per page, the rows written, and the cursor after the last row
   * (null when the search has no more).
   */
  record Written(List<byte[]> chunks, int rows, String nextCursor) {}

  /**
   * Reads up to {@code maxRows} spans of the search from its cursor, each written by {@code row}
   * and the rows separated by {@code separator} (may be empty).
   */
  static Written read(Storage storage, SpanQuery query, int maxRows, Function<Span, byte[]> row, byte[] separator,
      QueryMemory.Share memory) {
    List<byte[]> chunks = new ArrayList<>();
    long held = 0;
    long largestSeen = 0;
    int rows = 0;
    String cursor = query.cursor();
    while (rows < maxRows) {
      long rowBytes = largestSeen > 0 ? largestSeen : FIRST_ROW_BYTES;
      long fit = largestSeen > 0 ? PAGE_BYTES / rowBytes : FIRST_PAGE_RESERVE / (rowBytes * QueryMemory.HEAP_PER_SPAN_BYTE);
      int limit = (int) Math.min(Math.min(SpanQuery.MAX_LIMIT, maxRows - rows), Math.max(1, fit));
      memory.growTo(held + limit * rowBytes * QueryMemory.HEAP_PER_SPAN_BYTE);
      Page<Span> page = storage.searchSpans(query.withCursor(cursor).withLimit(limit));
      ByteArrayOutputStream chunk = new ByteArrayOutputStream();
      for (Span s : page.items()) {
        if (rows > 0) chunk.writeBytes(separator);
        byte[] written = row.apply(s);
        chunk.writeBytes(written);
        largestSeen = Math.max(largestSeen, written.length);
        rows++;
      }
      if (chunk.size() > 0) chunks.add(chunk.toByteArray());
      held += chunk.size();
      cursor = page.nextCursor();
      if (cursor == null || page.items().isEmpty()) break;
    }
    return new Written(chunks, rows, cursor);
  }
}
