package dev.retrospect.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.exporter.internal.http.HttpExporter;
import io.opentelemetry.exporter.internal.http.HttpExporterBuilder;
import io.opentelemetry.exporter.internal.marshal.Marshaler;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.internal.StandardComponentId;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The OpenTelemetry Java SDK's own OTLP exporters send a span with a JSON request body to a
 * running server; the span is then found by a word of that body and by its trace id.
 */
class SdkExportersTest extends RunningServer {

  @Test
  void spanSentOverOtlpGrpcIsFoundByBodyWordAndTraceId() {
    SpanExporter exporter = OtlpGrpcSpanExporter.builder().setEndpoint(server.otlpGrpc()).build();
    assertFoundAfterExport(exporter, "grpcbuyer", "grpc");
  }

  @Test
  void spanSentOverOtlpGrpcWithGzipIsFound() {
    SpanExporter exporter = OtlpGrpcSpanExporter.builder().setEndpoint(server.otlpGrpc()).setCompression("gzip").build();
    assertFoundAfterExport(exporter, "grpczipbuyer", "grpc gzip");
  }

  @Test
  void spanSentOverOtlpHttpProtobufIsFoundByBodyWordAndTraceId() {
    SpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(server.otlpHttp() + "/v1/traces").build();
    assertFoundAfterExport(exporter, "protobuyer", "protobuf");
  }

  @Test
  void spanSentOverOtlpHttpProtobufGzipIsFound() {
    SpanExporter exporter = OtlpHttpSpanExporter.builder()
        .setEndpoint(server.otlpHttp() + "/v1/traces").setCompression("gzip").build();
    assertFoundAfterExport(exporter, "gzipbuyer", "protobuf gzip");
  }

  @Test
  void spanSentOverOtlpHttpJsonIsFoundByBodyWordAndTraceId() {
    assertFoundAfterExport(sdkJsonExporter(server.otlpHttp() + "/v1/traces"), "jsonbuyer", "json");
  }

  @Test
  void jsonSpanSentToTheUiPortForBrowsersIsFound() {
    assertFoundAfterExport(sdkJsonExporter(server.ui() + "/v1/traces"), "browserbuyer", "json");
  }

  /**
   * OtlpHttpSpanExporter's public builder offers no JSON switch in SDK 1.56, but the SDK's HTTP
   * exporter speaks OTLP JSON internally ({@code HttpExporterBuilder.exportAsJson()}: the same
   * OkHttp sender and TraceRequestMarshaler that OtlpHttpSpanExporter wraps), so this exporter is
   * that machinery behind the SpanExporter interface. It sends gzip because SDK 1.56 declares the
   * protobuf size as Content-Length for an uncompressed JSON body, which OkHttp refuses before
   * sending ("expected 369 bytes but received 862"); a gzip body is sent chunked.
   */
  private static SpanExporter sdkJsonExporter(String endpoint) {
    HttpExporter<Marshaler> json = new HttpExporterBuilder<>(
            StandardComponentId.ExporterType.OTLP_HTTP_JSON_SPAN_EXPORTER, endpoint)
        .exportAsJson()
        .setCompression("gzip")
        .build();
    return new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        return json.export(TraceRequestMarshaler.create(spans), spans.size());
      }

      @Override
      public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode shutdown() {
        return json.shutdown();
      }
    };
  }

  /** Sends one checkout span whose request body holds {@code word@gmail.com}, then searches for it. */
  private static void assertFoundAfterExport(SpanExporter exporter, String word, String note) {
    String traceId;
    try (SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(
            Attributes.of(AttributeKey.stringKey("service.name"), "checkout-" + word))))
        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
        .build()) {
      var span = provider.get("test").spanBuilder("POST /checkout").setSpanKind(SpanKind.SERVER).startSpan();
      span.setAttribute("http.method", "POST");
      span.setAttribute("http.status_code", 400L);
      span.setAttribute("http.request.body", "{\"email\":\"" + word + "@gmail.com\",\"items\":[\"cherries\"]}");
      traceId = span.getSpanContext().getTraceId();
      span.end();
      CompletableResultCode flushed = provider.forceFlush().join(10, TimeUnit.SECONDS);
      assertThat(flushed.isSuccess()).as("export acknowledged (" + note + ")").isTrue();
    }

    JsonNode found = server.getJson("/api/spans?q=" + word);
    assertThat(found.get("spans")).hasSize(1);
    JsonNode span = found.get("spans").get(0);
    assertThat(span.get("traceId").asText()).isEqualTo(traceId);
    assertThat(span.get("service").asText()).isEqualTo("checkout-" + word);
    assertThat(span.get("httpStatus").asInt()).isEqualTo(400);
    assertThat(span.get("attributes").get("http.request.method").asText()).isEqualTo("POST");
    assertThat(span.get("attributes").get("http.response.status_code").asInt()).isEqualTo(400);

    JsonNode trace = server.getJson("/api/traces/" + traceId);
    assertThat(trace.get("traceId").asText()).isEqualTo(traceId);
    assertThat(trace.get("spans")).hasSize(1);
    assertThat(trace.get("spans").get(0).get("attributes").get("http.request.body").asText()).contains(word + "@gmail.com");
  }
}
