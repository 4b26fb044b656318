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

  /**
   * What an OpenTelemetry SDK's resource detectors add to {@code service.name} (host, OS, process,
   * runtime, SDK: about 600 bytes), for {@code --resource=sdk}: every span of a request shares it.
   */
  private static final List<KeyValue> SDK_RESOURCE = List.of(
      attribute("service.version", "1.4.2"),
      attribute("service.instance.id", "5b1f0f0e-3c1a-4d7e-9a1b-2f4c6d8e0a1b"),
      attribute("host.name", "shop-7d9f8c6b5-x2k4p"),
      attribute("host.arch", "amd64"),
      attribute("os.type", "linux"),
      attribute("os.description", "Linux 6.1.0-18-amd64"),
      attribute("process.pid", 4711L),
      attribute("process.executable.path", "/usr/lib/jvm/java-17-openjdk-amd64/bin/java"),
      attribute("process.command_args", "[/usr/lib/jvm/java-17-openjdk-amd64/bin/java,"
          + " -javaagent:/opt/otel/opentelemetry-javaagent.jar, -Xmx512m, -jar, /app/shop.jar]"),
      attribute("process.runtime.name", "OpenJDK Runtime Environment"),
      attribute("process.runtime.version", "17.0.15+6-Debian-1deb12u1"),
      attribute("process.runtime.description", "Debian OpenJDK 64-Bit Server VM 17.0.15+6-Debian-1deb12u1"),
      attribute("telemetry.sdk.name", "opentelemetry"),
      attribute("telemetry.sdk.version", "1.56.0"),
      attribute("telemetry.distro.name", "opentelemetry-java-instrumentation"));

  /** With the minimal resource: {@code service.name} and {@code telemetry.sdk.language}. */
  public static ExportTraceServiceRequest request(List<CheckoutTrace> traces) {
    return request(traces, false);
  }

  /** @param sdkResource each resource also carries what an SDK's detectors add ({@code --resource=sdk}) */
  public static ExportTraceServiceRequest request(List<CheckoutTrace> traces, boolean sdkResource) {
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
            .addAttributes(attribute("telemetry.sdk.language", "nodejs"))
            .addAllAttributes(sdkResource ? SDK_RESOURCE : List.of()))
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
