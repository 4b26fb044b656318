package dev.retrospect.server.api;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpObject;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import dev.retrospect.core.Ids;
import dev.retrospect.core.SemanticConventions;
import dev.retrospect.core.Span;
import dev.retrospect.core.SpanQuery;
import dev.retrospect.core.Storage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /api/spans/export}: a span search as a CSV or JSON download, up to 10,000 rows. The
 * answer is kept as one chunk per page of the search and sent when complete, so that a failure on
 * the way is still a clear error (503, 500), never a download cut short that looks whole.
 */
final class SpanExport {
  private static final List<String> COLUMNS = List.of(
      "startTime", "traceId", "spanId", "parentSpanId", "service", "name", "kind", "duration",
      "statusCode", "httpStatus", "method", "url", "sessionId", "chapterId", "attributes");

  private SpanExport() {}

  static HttpResponse export(Storage storage, SpanQuery query, String format, QueryMemory.Share memory) {
    String f = format == null ? "json" : format;
    if (!f.equals("csv") && !f.equals("json")) {
      throw new BadParameterException("format must be csv or json, got " + Ids.quote(format));
    }
    boolean csv = f.equals("csv");
    List<HttpObject> answer = new ArrayList<>();
    answer.add(ResponseHeaders.builder(HttpStatus.OK)
        .contentType(csv ? MediaType.CSV_UTF_8 : MediaType.JSON_UTF_8)
        .set(HttpHeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"retrospect-spans." + f + "\"")
        .build());
    answer.add(HttpData.ofUtf8(csv ? String.join(",", COLUMNS) + "\r\n" : "{\"spans\":["));

    SpanPages.Written rows = SpanPages.read(storage, query, QueryApi.EXPORT_MAX_ROWS,
        csv ? SpanExport::csvRow : SpanPages::json, csv ? new byte[0] : SpanPages.COMMA, memory);
    rows.chunks().forEach(chunk -> answer.add(HttpData.wrap(chunk)));
    if (!csv) answer.add(HttpData.ofUtf8("]}"));
    return HttpResponse.of(answer.toArray(HttpObject[]::new));
  }

  private static byte[] csvRow(Span s) {
    List<String> row = List.of(
        Long.toString(s.startMicros()), s.traceId(), nullToEmpty(s.spanId()), nullToEmpty(s.parentSpanId()),
        s.service(), s.name(), s.kind().name(), Long.toString(s.durationMicros()), s.statusCode().name(),
        s.httpStatus() == null ? "" : s.httpStatus().toString(),
        nullToEmpty(s.attribute(SemanticConventions.HTTP_REQUEST_METHOD)),
        nullToEmpty(s.attribute(SemanticConventions.URL_FULL)),
        nullToEmpty(s.sessionId()), nullToEmpty(s.chapterId()),
        ApiJson.attributes(s.attributes()).toString());
    StringBuilder out = new StringBuilder(256);
    for (int i = 0; i < row.size(); i++) {
      if (i > 0) out.append(',');
      out.append(cell(row.get(i)));
    }
    return out.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
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
