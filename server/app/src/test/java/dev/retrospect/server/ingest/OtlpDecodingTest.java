package dev.retrospect.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retrospect.core.InvalidInputException;
import dev.retrospect.core.Span;
import dev.retrospect.core.SpanKind;
import dev.retrospect.core.StatusCode;
import dev.retrospect.core.ValueType;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class OtlpDecodingTest {
  private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
  private static final String SPAN = "b7ad6b7169203331";

  @Test
  void sdkProtobufAndSdkJsonDecodeToTheSameNormalizedSpan() throws Exception {
    List<SpanData> sdk = SdkSpans.checkout("ivan@gmail.com");
    DecodedSpans fromProto = OtlpSpanMapper.map(
        ExportTraceServiceRequest.parseFrom(SdkSpans.protobuf(sdk)), new OtlpSpanMapper.Rejections());
    DecodedSpans fromJson = decodeJson(SdkSpans.json(sdk));

    assertThat(fromJson.spans()).isEqualTo(fromProto.spans());
    assertThat(fromProto.rejected()).isZero();
    Span span = fromProto.spans().get(0);
    assertThat(span.traceId()).isEqualTo(sdk.get(0).getTraceId());
    assertThat(span.spanId()).isEqualTo(sdk.get(0).getSpanId());
    assertThat(span.service()).isEqualTo("checkout");
    assertThat(span.kind()).isEqualTo(SpanKind.SERVER);
    assertThat(span.httpStatus()).isEqualTo(400);
    assertThat(span.attributes()).containsKeys("http.request.method", "http.response.status_code")
        .doesNotContainKeys("http.method", "http.status_code");
    assertThat(span.attributes().get("tags").type()).isEqualTo(ValueType.ARRAY);
    assertThat(span.attributes().get("tags").value()).isEqualTo("[\"a\",\"b\"]");
    assertThat(span.attributes().get("ratio").type()).isEqualTo(ValueType.DOUBLE);
    assertThat(span.events()).singleElement().satisfies(e -> assertThat(e.name()).isEqualTo("exception"));
    assertThat(span.startMicros()).isEqualTo(sdk.get(0).getStartEpochNanos() / 1000);
  }

  @Test
  void jsonAcceptsEnumsAsNumbersOrNamesAndInt64AsStringsOrNumbers() {
    String json = request(
        spanJson(TRACE, SPAN, "\"kind\": 2, \"startTimeUnixNano\": \"1764150000000000000\", \"endTimeUnixNano\": 1764150000005000000,"
            + "\"status\": {\"code\": \"STATUS_CODE_ERROR\"}"),
        spanJson(TRACE, "b7ad6b7169203332", "\"kind\": \"SPAN_KIND_CLIENT\", \"startTimeUnixNano\": 1764150000000000000,"
            + "\"status\": {\"code\": 1}"));
    DecodedSpans decoded = decodeJson(json.getBytes(StandardCharsets.UTF_8));

    assertThat(decoded.spans()).extracting(Span::kind).containsExactly(SpanKind.SERVER, SpanKind.CLIENT);
    assertThat(decoded.spans()).extracting(Span::statusCode).containsExactly(StatusCode.ERROR, StatusCode.OK);
    assertThat(decoded.spans().get(0).durationMicros()).isEqualTo(5000);
  }

  @Test
  void spanWithInvalidIdIsRejectedByNameWhileTheOthersAreKept() {
    String json = request(
        spanJson("not-hex", SPAN, "\"startTimeUnixNano\": 1"),
        spanJson(TRACE, "abc", "\"startTimeUnixNano\": 1"),
        spanJson("00000000000000000000000000000000", SPAN, "\"startTimeUnixNano\": 1"),
        spanJson(TRACE, SPAN, "\"startTimeUnixNano\": 1"));
    DecodedSpans decoded = decodeJson(json.getBytes(StandardCharsets.UTF_8));

    assertThat(decoded.spans()).hasSize(1);
    assertThat(decoded.rejected()).isEqualTo(3);
    assertThat(decoded.message())
        .contains("3 span(s) rejected")
        .contains("traceId must be 32 hex characters, not all zero, got \"not-hex\"")
        .contains("spanId must be 16 hex characters, not all zero, got \"abc\"");
  }

  @Test
  void protobufSpanWithShortIdIsRejectedAndNamed() {
    var request = ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(io.opentelemetry.proto.trace.v1.ResourceSpans.newBuilder()
            .addScopeSpans(io.opentelemetry.proto.trace.v1.ScopeSpans.newBuilder()
                .addSpans(io.opentelemetry.proto.trace.v1.Span.newBuilder()
                    .setTraceId(com.google.protobuf.ByteString.copyFrom(new byte[] {1, 2, 3}))
                    .setSpanId(com.google.protobuf.ByteString.copyFrom(new byte[8]))
                    .setStartTimeUnixNano(1))))
        .build();
    DecodedSpans decoded = OtlpSpanMapper.map(request, new OtlpSpanMapper.Rejections());

    assertThat(decoded.spans()).isEmpty();
    assertThat(decoded.rejected()).isEqualTo(1);
    assertThat(decoded.message()).contains("traceId must be 32 hex characters").contains("\"010203\"");
  }

  @Test
  void megabyteAttributeValueIsTruncatedAndTheResponseSaysSo() {
    char[] big = new char[1024 * 1024];
    Arrays.fill(big, 'x');
    String json = request(spanJson(TRACE, SPAN, "\"startTimeUnixNano\": 1, \"attributes\": [{\"key\": \"big\", \"value\": {\"stringValue\": \""
        + new String(big) + "\"}}]"));
    DecodedSpans decoded = decodeJson(json.getBytes(StandardCharsets.UTF_8));

    assertThat(decoded.rejected()).isZero();
    assertThat(decoded.spans().get(0).attributes().get("big").value())
        .hasSize(OtlpSpanMapper.MAX_VALUE_CHARS + "…[truncated]".length())
        .endsWith("…[truncated]");
    assertThat(decoded.message()).contains("1 attribute value(s) longer than 65536 characters were truncated");
  }

  @Test
  void undecodableJsonIsRefusedWithTheReason() {
    assertThatThrownBy(() -> decodeJson("{\"resourceSpans\": [".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("body is not valid JSON");
    assertThatThrownBy(() -> decodeJson("[1,2]".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("must be a JSON object");
    assertThatThrownBy(() -> decodeJson("{\"resourceSpans\": 5}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("body is not an OTLP JSON trace request");
  }

  @Test
  void gzipBombIsStoppedAtTheDecompressedCap() throws Exception {
    var raw = new java.io.ByteArrayOutputStream();
    try (var gz = new java.util.zip.GZIPOutputStream(raw)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 100; i++) gz.write(zeros); // 100 MiB of zeros: about 100 KiB compressed
    }
    assertThat(raw.size()).isLessThan(200_000);
    assertThatThrownBy(() -> BoundedGunzip.gunzip(raw.toByteArray(), 8 << 20))
        .isInstanceOf(RequestTooLargeException.class)
        .hasMessageContaining("larger than 8388608 bytes after gzip decompression");
  }

  private static DecodedSpans decodeJson(byte[] json) {
    OtlpSpanMapper.Rejections rejections = new OtlpSpanMapper.Rejections();
    return OtlpSpanMapper.map(OtlpJsonDecoder.decode(json, rejections), rejections);
  }

  private static String spanJson(String traceId, String spanId, String rest) {
    return "{\"traceId\": \"" + traceId + "\", \"spanId\": \"" + spanId + "\", \"name\": \"op\", " + rest + "}";
  }

  private static String request(String... spans) {
    return "{\"resourceSpans\": [{\"resource\": {\"attributes\": [{\"key\": \"service.name\", \"value\": {\"stringValue\": \"api\"}}]},"
        + "\"scopeSpans\": [{\"spans\": [" + String.join(",", spans) + "]}]}]}";
  }
}
