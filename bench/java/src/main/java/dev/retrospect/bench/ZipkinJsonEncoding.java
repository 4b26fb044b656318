package dev.retrospect.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Encodes the same traces as a Zipkin v2 JSON span list ({@code POST /api/v2/spans}): the same
 * ids, times and attributes, the attributes as string tags (Zipkin's only tag type), and
 * {@code error} set on 5xx spans as Zipkin's instrumentation does.
 */
public final class ZipkinJsonEncoding {
  private static final JsonFactory JSON = new JsonFactory();

  private ZipkinJsonEncoding() {}

  public static byte[] spans(List<CheckoutTrace> traces) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(traces.size() * 5 * 900);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartArray();
      for (CheckoutTrace trace : traces) {
        for (LogicalSpan span : trace.spans()) {
          write(json, span);
        }
      }
      json.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void write(JsonGenerator json, LogicalSpan span) throws IOException {
    json.writeStartObject();
    json.writeStringField("traceId", span.traceId());
    json.writeStringField("id", span.spanId());
    if (span.parentSpanId() != null) json.writeStringField("parentId", span.parentSpanId());
    json.writeStringField("kind", "SERVER");
    json.writeStringField("name", span.name());
    json.writeNumberField("timestamp", span.startMicros());
    json.writeNumberField("duration", span.durationMicros());
    json.writeObjectFieldStart("localEndpoint");
    json.writeStringField("serviceName", span.service());
    json.writeEndObject();
    json.writeObjectFieldStart("tags");
    for (var attribute : span.attributes().entrySet()) {
      json.writeStringField(attribute.getKey(), String.valueOf(attribute.getValue()));
    }
    if (span.isError()) json.writeStringField("error", String.valueOf(span.httpStatus()));
    json.writeEndObject();
    json.writeEndObject();
  }
}
