package dev.retrospect.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * An SDK pointed at the wrong OTLP port or path logs the server's answer; that answer says what to
 * change. The SDK's own exporters send, and what they log is what a user reads.
 */
class MisdirectedOtlpTest extends RunningServer {

  @Test
  void grpcSentToTheHttpPortIsToldToUseTheGrpcPort() {
    String logged = exportOneSpanAndReadTheLog(OtlpGrpcSpanExporter.builder().setEndpoint(server.otlpHttp()).build());
    assertThat(logged).contains("this is Retrospect's OTLP/HTTP port: send OTLP/gRPC to its OTLP/gRPC port");
  }

  @Test
  void grpcSentToTheUiPortIsToldToUseTheGrpcPort() {
    String logged = exportOneSpanAndReadTheLog(OtlpGrpcSpanExporter.builder().setEndpoint(server.ui()).build());
    assertThat(logged).contains("this is Retrospect's UI port: send OTLP/gRPC to its OTLP/gRPC port");
  }

  @Test
  void httpSentToTheGrpcPortIsToldToUseTheHttpPort() {
    String logged = exportOneSpanAndReadTheLog(
        OtlpHttpSpanExporter.builder().setEndpoint(server.otlpGrpc() + "/v1/traces").build());
    assertThat(logged).contains("this is Retrospect's OTLP/gRPC port: send OTLP/HTTP to its OTLP/HTTP port (POST /v1/traces)");
  }

  @Test
  void anEndpointGivenWithV1TracesIsToldToLeaveThePathOut() {
    // OTEL_EXPORTER_OTLP_ENDPOINT=http://host:4318/v1/traces: the SDK adds /v1/traces once more.
    String logged = exportOneSpanAndReadTheLog(
        OtlpHttpSpanExporter.builder().setEndpoint(server.otlpHttp() + "/v1/traces/v1/traces").build());
    assertThat(logged).contains("no endpoint /v1/traces/v1/traces: spans go to POST /v1/traces;"
        + " give OTEL_EXPORTER_OTLP_ENDPOINT as http://host:port without a path");
  }

  @Test
  void metricsAndLogsAreToldThatOnlyTracesAreStored() throws Exception {
    for (String path : List.of("/v1/metrics", "/v1/logs")) {
      HttpResponse<String> json = server.post(server.otlpHttp() + path, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
      assertThat(json.statusCode()).isEqualTo(404);
      assertThat(server.json(json.body()).get("error").asText())
          .isEqualTo("Retrospect stores traces only: set OTEL_METRICS_EXPORTER=none and OTEL_LOGS_EXPORTER=none");
    }
  }

  @Test
  void spansSentRightAfterwardsAreStillStored() {
    SpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(server.otlpHttp() + "/v1/traces").build();
    assertThat(exportOneSpanAndReadTheLog(exporter)).isEmpty();
    assertThat(server.getJson("/api/spans?service=misdirected").get("spans")).hasSize(1);
  }

  /** Exports one span through this exporter and returns what the SDK logged meanwhile. */
  private static String exportOneSpanAndReadTheLog(SpanExporter exporter) {
    List<String> logged = new CopyOnWriteArrayList<>();
    Logger sdkLog = Logger.getLogger("io.opentelemetry.exporter");
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        logged.add(record.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    sdkLog.addHandler(capture);
    try (SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "misdirected"))))
        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
        .build()) {
      provider.get("test").spanBuilder("GET /").startSpan().end();
      CompletableResultCode flushed = provider.forceFlush().join(10, TimeUnit.SECONDS);
      assertThat(flushed.isDone()).isTrue();
    } finally {
      sdkLog.removeHandler(capture);
    }
    return String.join("\n", logged);
  }
}
