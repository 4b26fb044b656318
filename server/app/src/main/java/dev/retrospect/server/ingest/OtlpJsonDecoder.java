package dev.retrospect.server.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.retrospect.core.Ids;
import dev.retrospect.core.InvalidInputException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.function.UnaryOperator;

/**
 * Decodes OTLP JSON ({@code application/json}) into the protobuf request. OTLP JSON differs from
 * protobuf's canonical JSON mapping in one way that matters: trace and span ids are hex, not
 * base64. This decoder rewrites the ids to base64 and lets protobuf's own {@link JsonFormat} do the
 * rest (enums as names or numbers, 64-bit integers as strings or numbers, camelCase or snake_case
 * field names). A span whose id is not hex is dropped here and counted as rejected, so one bad span
 * does not refuse its whole request.
 */
public final class OtlpJsonDecoder {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

  private OtlpJsonDecoder() {}

  /** Decodes the body; throws {@link InvalidInputException} when it is not an OTLP JSON request. */
  public static ExportTraceServiceRequest decode(byte[] body, OtlpSpanMapper.Rejections rejections) {
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (IOException e) {
      throw new InvalidInputException("body is not valid JSON: " + firstLine(e));
    }
    if (root == null || !root.isObject()) {
      throw new InvalidInputException("body must be a JSON object (an OTLP ExportTraceServiceRequest)");
    }
    for (JsonNode rs : array(root, "resourceSpans", "resource_spans")) {
      for (JsonNode ss : array(rs, "scopeSpans", "scope_spans")) {
        if (array(ss, "spans", "spans") instanceof ArrayNode spans) {
          rewriteSpans(spans, rejections);
        }
      }
    }
    ExportTraceServiceRequest.Builder builder = ExportTraceServiceRequest.newBuilder();
    try {
      PARSER.merge(MAPPER.writeValueAsString(root), builder);
    } catch (InvalidProtocolBufferException | JsonProcessingException e) {
      throw new InvalidInputException("body is not an OTLP JSON trace request: " + firstLine(e));
    } catch (RuntimeException e) {
      // JsonFormat reports some malformed values (numbers out of range, wrong nesting) this way.
      throw new InvalidInputException("body is not an OTLP JSON trace request: " + firstLine(e));
    }
    return builder.build();
  }

  private static void rewriteSpans(ArrayNode spans, OtlpSpanMapper.Rejections rejections) {
    for (Iterator<JsonNode> it = spans.elements(); it.hasNext(); ) {
      JsonNode span = it.next();
      if (!(span instanceof ObjectNode obj)) continue;
      try {
        rewriteId(obj, "traceId", "trace_id", Ids::traceId);
        rewriteId(obj, "spanId", "span_id", Ids::spanId);
        rewriteId(obj, "parentSpanId", "parent_span_id", Ids::parentSpanId);
        for (JsonNode link : array(obj, "links", "links")) {
          if (link instanceof ObjectNode l) {
            rewriteId(l, "traceId", "trace_id", Ids::traceId);
            rewriteId(l, "spanId", "span_id", Ids::spanId);
          }
        }
      } catch (InvalidInputException e) {
        rejections.reject(e.getMessage());
        it.remove();
      }
    }
  }

  /** Replaces a hex id with its base64 form after checking it with the model's own rule. */
  private static void rewriteId(ObjectNode obj, String name, String altName, UnaryOperator<String> check) {
    String field = obj.has(name) ? name : altName;
    JsonNode value = obj.get(field);
    if (value == null || value.isNull()) return;
    if (!value.isTextual()) throw new InvalidInputException(name + " must be a hex string, got " + Ids.quote(value.toString()));
    String hex = check.apply(value.asText());
    obj.put(field, hex == null ? "" : Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex)));
  }

  private static JsonNode array(JsonNode parent, String name, String altName) {
    JsonNode n = parent.get(name);
    if (n == null) n = parent.get(altName);
    return n != null && n.isArray() ? n : MAPPER.createArrayNode();
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    m = nl < 0 ? m : m.substring(0, nl);
    return m.length() > 200 ? m.substring(0, 200) + "…" : m;
  }
}
