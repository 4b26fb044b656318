package dev.retrospect.bench;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Encodes traces as one OTLP {@code ExportTraceServiceRequest}, one resource per service. */
public final class OtlpEncoding {
  private static final HexFormat HEX = HexFormat.of();
  private static final InstrumentationScope SCOPE =
      InstrumentationScope.newBuilder().setName("retrospect-bench").setVersion("1").build();

  private OtlpEncoding() {}

  public static ExportTraceServiceRequest request(List<CheckoutTrace> traces) {
    Map<String, ScopeSpans.Builder> byService = new LinkedHashMap<>();
    for (CheckoutTrace trace : traces) {
      for (LogicalSpan span : trace.spans()) {
        byService.computeIfAbsent(span.service(), s -> ScopeSpans.newBuilder().setScope(SCOPE))
            .addSpans(span(span));
      }
    }
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    byService.forEach((service, spans) -> request.addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder()
            .addAttributes(attribute("service.name", service))
            .addAttributes(attribute("telemetry.sdk.language", "nodejs")))
        .addScopeSpans(spans)));
    return request.build();
  }

  private static Span span(LogicalSpan span) {
    Span.Builder otlp = Span.newBuilder()
        .setTraceId(ByteString.copyFrom(HEX.parseHex(span.traceId())))
        .setSpanId(ByteString.copyFrom(HEX.parseHex(span.spanId())))
        .setName(span.name())
        .setKind(Span.SpanKind.SPAN_KIND_SERVER)
        .setStartTimeUnixNano(span.startMicros() * 1000)
        .setEndTimeUnixNano((span.startMicros() + span.durationMicros()) * 1000)
        // OTel HTTP conventions: a server span is an error for 5xx only.
        .setStatus(Status.newBuilder().setCode(span.isError()
            ? Status.StatusCode.STATUS_CODE_ERROR : Status.StatusCode.STATUS_CODE_UNSET));
    if (span.parentSpanId() != null) {
      otlp.setParentSpanId(ByteString.copyFrom(HEX.parseHex(span.parentSpanId())));
    }
    span.attributes().forEach((key, value) -> otlp.addAttributes(attribute(key, value)));
    return otlp.build();
  }

  private static KeyValue attribute(String key, Object value) {
    AnyValue.Builder any = AnyValue.newBuilder();
    if (value instanceof Long number) {
      any.setIntValue(number);
    } else {
      any.setStringValue((String) value);
    }
    return KeyValue.newBuilder().setKey(key).setValue(any).build();
  }
}
