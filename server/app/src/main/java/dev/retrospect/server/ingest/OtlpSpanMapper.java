package dev.retrospect.server.ingest;

import com.google.protobuf.ByteString;
import dev.retrospect.core.AttributeValue;
import dev.retrospect.core.Attributes;
import dev.retrospect.core.InvalidInputException;
import dev.retrospect.core.SemanticConventions;
import dev.retrospect.core.Span;
import dev.retrospect.core.SpanEvent;
import dev.retrospect.core.SpanKind;
import dev.retrospect.core.SpanLink;
import dev.retrospect.core.StatusCode;
import dev.retrospect.core.ValueType;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a decoded OTLP export request into Retrospect spans. A span that fails validation (bad
 * ids, negative times) is refused on its own and counted, with the reason, for {@code
 * partial_success}; the others are kept. Attribute values longer than {@link #MAX_VALUE_CHARS} are
 * cut there (and the response says so) rather than refusing the whole span.
 */
public final class OtlpSpanMapper {
  /** Longest attribute value kept, in characters. Longer values are cut and marked. */
  public static final int MAX_VALUE_CHARS = 64 * 1024;

  /** How many distinct reasons a response lists; the rest are only counted. */
  private static final int MAX_REASONS = 5;

  private static final HexFormat HEX = HexFormat.of();

  private OtlpSpanMapper() {}

  /** Maps every span of the request; {@code alreadyRejected} adds refusals found while parsing. */
  public static DecodedSpans map(ExportTraceServiceRequest request, Rejections alreadyRejected) {
    Rejections rejections = alreadyRejected;
    List<Span> spans = new ArrayList<>();
    int[] truncated = {0};
    for (ResourceSpans rs : request.getResourceSpansList()) {
      Resource resource = rs.getResource();
      // Normalized and frozen once here, so that every span of the resource shares this map.
      Map<String, AttributeValue> resourceAttributes = Attributes.copyOf(
          SemanticConventions.normalize(attributes(resource.getAttributesList(), truncated)));
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (io.opentelemetry.proto.trace.v1.Span s : ss.getSpansList()) {
          try {
            spans.add(span(s, resourceAttributes, truncated));
          } catch (InvalidInputException e) {
            rejections.reject(e.getMessage());
          }
        }
      }
    }
    String message = rejections.message();
    if (truncated[0] > 0) {
      String note = truncated[0] + " attribute value(s) longer than " + MAX_VALUE_CHARS
          + " characters were truncated";
      message = message.isEmpty() ? note : message + "; " + note;
    }
    return new DecodedSpans(spans, rejections.count(), message);
  }

  private static Span span(
      io.opentelemetry.proto.trace.v1.Span s, Map<String, AttributeValue> resource, int[] truncated) {
    long start = s.getStartTimeUnixNano();
    long end = s.getEndTimeUnixNano();
    // fixed64 arrives as a signed long: a value past 2^63 is negative here and refused as such.
    if (start < 0 || end < 0) throw new InvalidInputException("span times must be positive");
    Status status = s.getStatus();
    return Span.builder()
        .traceId(hexId(s.getTraceId()))
        .spanId(hexId(s.getSpanId()))
        .parentSpanId(s.getParentSpanId().isEmpty() ? null : hexId(s.getParentSpanId()))
        .name(s.getName())
        .kind(kind(s.getKindValue()))
        .startMicros(start / 1000)
        .durationMicros(end > start ? (end - start) / 1000 : 0)
        .status(statusCode(status.getCodeValue()), status.getMessage())
        .resourceAttributes(resource)
        .attributes(attributes(s.getAttributesList(), truncated))
        .events(events(s, truncated))
        .links(links(s, truncated))
        .build();
  }

  private static List<SpanEvent> events(io.opentelemetry.proto.trace.v1.Span s, int[] truncated) {
    List<SpanEvent> events = new ArrayList<>(s.getEventsCount());
    for (var e : s.getEventsList()) {
      events.add(new SpanEvent(e.getTimeUnixNano() / 1000, e.getName(), attributes(e.getAttributesList(), truncated)));
    }
    return events;
  }

  private static List<SpanLink> links(io.opentelemetry.proto.trace.v1.Span s, int[] truncated) {
    List<SpanLink> links = new ArrayList<>(s.getLinksCount());
    for (var l : s.getLinksList()) {
      links.add(new SpanLink(hexId(l.getTraceId()), hexId(l.getSpanId()), attributes(l.getAttributesList(), truncated)));
    }
    return links;
  }

  /** Bytes as lower-case hex; Span's own validation then names the field and its rule. */
  private static String hexId(ByteString bytes) {
    return HEX.formatHex(bytes.toByteArray());
  }

  private static SpanKind kind(int value) {
    return switch (value) {
      case 1 -> SpanKind.INTERNAL;
      case 2 -> SpanKind.SERVER;
      case 3 -> SpanKind.CLIENT;
      case 4 -> SpanKind.PRODUCER;
      case 5 -> SpanKind.CONSUMER;
      default -> SpanKind.UNSPECIFIED;
    };
  }

  private static StatusCode statusCode(int value) {
    return switch (value) {
      case 1 -> StatusCode.OK;
      case 2 -> StatusCode.ERROR;
      default -> StatusCode.UNSET;
    };
  }

  static Map<String, AttributeValue> attributes(List<KeyValue> kvs, int[] truncated) {
    if (kvs.isEmpty()) return Map.of();
    Map<String, AttributeValue> map = new LinkedHashMap<>(kvs.size() * 2);
    for (KeyValue kv : kvs) {
      AttributeValue v = value(kv.getValue());
      if (v.value().length() > MAX_VALUE_CHARS) {
        truncated[0]++;
        // A cut array or key-value list is no longer valid JSON, so every cut value is a string.
        v = AttributeValue.string(v.value().substring(0, MAX_VALUE_CHARS) + "…[truncated]");
      }
      map.put(kv.getKey(), v);
    }
    return map;
  }

  private static AttributeValue value(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> AttributeValue.string(v.getStringValue());
      case BOOL_VALUE -> AttributeValue.bool(v.getBoolValue());
      case INT_VALUE -> AttributeValue.integer(v.getIntValue());
      case DOUBLE_VALUE -> AttributeValue.dbl(v.getDoubleValue());
      case BYTES_VALUE -> new AttributeValue(ValueType.BYTES, Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()));
      case ARRAY_VALUE -> new AttributeValue(ValueType.ARRAY, AnyValueJson.array(v.getArrayValue()));
      case KVLIST_VALUE -> new AttributeValue(ValueType.KVLIST, AnyValueJson.kvlist(v.getKvlistValue()));
      case VALUE_NOT_SET -> AttributeValue.string("");
    };
  }

  /** Spans refused while decoding a request: how many, and the first few distinct reasons. */
  public static final class Rejections {
    private int count;
    private final Set<String> reasons = new LinkedHashSet<>();

    public void reject(String reason) {
      count++;
      if (reasons.size() < MAX_REASONS) reasons.add(reason);
    }

    public int count() {
      return count;
    }

    public String message() {
      if (count == 0) return "";
      return count + " span(s) rejected: " + String.join("; ", reasons);
    }
  }
}
