package dev.retrospect.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireEncodingTest {
  private final CheckoutTraceGenerator generator = new CheckoutTraceGenerator("wire", 1_764_150_000_000_000L, 100);
  private final List<CheckoutTrace> traces = List.of(generator.trace(0), generator.trace(1));

  @Test
  void sdkResourceAddsTheDetectorsAttributesAfterTheServiceName() throws Exception {
    ExportTraceServiceRequest request =
        ExportTraceServiceRequest.parseFrom(OtlpEncoding.request(traces, true).toByteArray());

    for (ResourceSpans resource : request.getResourceSpansList()) {
      assertThat(resource.getResource().getAttributes(0).getKey()).isEqualTo("service.name");
      assertThat(resource.getResource().getAttributesList()).hasSize(17)
          .anySatisfy(kv -> assertThat(kv.getKey()).isEqualTo("process.command_args"));
    }
    assertThat(OtlpEncoding.request(traces).getResourceSpans(0).getResource().getAttributesList()).hasSize(2);
  }

  @Test
  void otlpRequestHoldsEverySpanUnderItsServiceResource() throws Exception {
    ExportTraceServiceRequest request =
        ExportTraceServiceRequest.parseFrom(OtlpEncoding.request(traces).toByteArray());

    assertThat(request.getResourceSpansList()).hasSize(5);
    int spans = 0;
    for (ResourceSpans resource : request.getResourceSpansList()) {
      String service = resource.getResource().getAttributes(0).getValue().getStringValue();
      for (Span span : resource.getScopeSpans(0).getSpansList()) {
        spans++;
        LogicalSpan expected = find(HexFormat.of().formatHex(span.getSpanId().toByteArray()));
        assertThat(expected.service()).isEqualTo(service);
        assertThat(HexFormat.of().formatHex(span.getTraceId().toByteArray())).isEqualTo(expected.traceId());
        assertThat(span.getStartTimeUnixNano()).isEqualTo(expected.startMicros() * 1000);
        assertThat(span.getAttributesList()).hasSize(8);
        assertThat(span.getAttributesList()).anySatisfy(kv -> {
          assertThat(kv.getKey()).isEqualTo("http.response.status_code");
          assertThat(kv.getValue().getIntValue()).isEqualTo(expected.httpStatus());
        });
      }
    }
    assertThat(spans).isEqualTo(10);
  }

  @Test
  void zipkinJsonCarriesTheSameSpansWithAttributesAsTags() throws Exception {
    JsonNode spans = new ObjectMapper().readTree(ZipkinJsonEncoding.spans(traces));

    assertThat(spans).hasSize(10);
    for (JsonNode span : spans) {
      LogicalSpan expected = find(span.get("id").asText());
      assertThat(span.get("traceId").asText()).isEqualTo(expected.traceId());
      assertThat(span.get("localEndpoint").get("serviceName").asText()).isEqualTo(expected.service());
      assertThat(span.get("timestamp").asLong()).isEqualTo(expected.startMicros());
      assertThat(span.get("tags").get("user.email").asText())
          .isEqualTo(expected.attributes().get("user.email"));
      assertThat(span.get("tags").get("http.request.body").asText())
          .isEqualTo(expected.attributes().get("http.request.body"));
      assertThat(span.has("parentId")).isEqualTo(expected.parentSpanId() != null);
    }
  }

  private LogicalSpan find(String spanId) {
    return traces.stream().flatMap(t -> t.spans().stream())
        .filter(s -> s.spanId().equals(spanId)).findFirst().orElseThrow();
  }
}
