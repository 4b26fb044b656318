package dev.retrospect.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import dev.retrospect.core.Ids;
import dev.retrospect.core.Page;
import dev.retrospect.core.SemanticConventions;
import dev.retrospect.core.Span;
import dev.retrospect.core.SpanQuery;
import dev.retrospect.core.Storage;
import java.util.ArrayList;
import java.util.List;

/** {@code GET /api/spans/export}: a span search as a CSV or JSON download, up to 10,000 rows. */
final class SpanExport {
  private static final List<String> COLUMNS = List.of(
      "startTime", "traceId", "spanId", "parentSpanId", "service", "name", "kind", "duration",
      "statusCode", "httpStatus", "method", "url", "sessionId", "chapterId", "attributes");

  private SpanExport() {}

  static HttpResponse export(Storage storage, SpanQuery query, String format) {
    String f = format == null ? "json" : format;
    if (!f.equals("csv") && !f.equals("json")) {
      throw new BadParameterException("format must be csv or json, got " + Ids.quote(format));
    }
    List<Span> spans = collect(storage, query);
    String body;
    MediaType type;
    if (f.equals("csv")) {
      body = csv(spans);
      type = MediaType.CSV_UTF_8;
    } else {
      ObjectNode root = ApiJson.object();
      ArrayNode array = root.putArray("spans");
      spans.forEach(s -> array.add(ApiJson.span(s)));
      body = root.toString();
      type = MediaType.JSON_UTF_8;
    }
    return HttpResponse.of(ResponseHeaders.builder(HttpStatus.OK)
        .contentType(type)
        .set(HttpHeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"retrospect-spans." + f + "\"")
        .build(), HttpData.ofUtf8(body));
  }

  /** Pages through the search with its own cursor until the row cap or the last page. */
  private static List<Span> collect(Storage storage, SpanQuery query) {
    List<Span> spans = new ArrayList<>();
    SpanQuery page = query.withLimit(SpanQuery.MAX_LIMIT);
    while (spans.size() < QueryApi.EXPORT_MAX_ROWS) {
      Page<Span> result = storage.searchSpans(page.withLimit(Math.min(SpanQuery.MAX_LIMIT, QueryApi.EXPORT_MAX_ROWS - spans.size())));
      spans.addAll(result.items());
      if (result.nextCursor() == null || result.items().isEmpty()) break;
      page = page.withCursor(result.nextCursor());
    }
    return spans;
  }

  private static String csv(List<Span> spans) {
    StringBuilder out = new StringBuilder(256 * (spans.size() + 1));
    out.append(String.join(",", COLUMNS)).append("\r\n");
    for (Span s : spans) {
      List<String> row = List.of(
          Long.toString(s.startMicros()), s.traceId(), nullToEmpty(s.spanId()), nullToEmpty(s.parentSpanId()),
          s.service(), s.name(), s.kind().name(), Long.toString(s.durationMicros()), s.statusCode().name(),
          s.httpStatus() == null ? "" : s.httpStatus().toString(),
          nullToEmpty(s.attribute(SemanticConventions.HTTP_REQUEST_METHOD)),
          nullToEmpty(s.attribute(SemanticConventions.URL_FULL)),
          nullToEmpty(s.sessionId()), nullToEmpty(s.chapterId()),
          ApiJson.attributes(s.attributes()).toString());
      for (int i = 0; i < row.size(); i++) {
        if (i > 0) out.append(',');
        out.append(cell(row.get(i)));
      }
      out.append("\r\n");
    }
    return out.toString();
  }

  /**
   * One quoted CSV cell. A value that a spreadsheet would run as a formula (starting with = + - @)
   * gets a leading apostrophe: span data comes from the outside and must not execute on export.
   */
  private static String cell(String value) {
    String v = value;
    if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) v = "'" + v;
    return '"' + v.replace("\"", "\"\"") + '"';
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
