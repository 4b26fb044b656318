package dev.retrospect.server;

import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.util.HexFormat;

/** Small OTLP requests written by hand, for tests that need exact ids and attributes. */
final class OtlpJson {
  private OtlpJson() {}

  /** A server span of service "api" at a fixed time, with a request body holding {@code word}. */
  static String span(String traceId, String spanId, String word, String... extraAttributes) {
    return span(traceId, spanId, word, 1_764_150_000_000_000_000L, extraAttributes);
  }

  static String span(String traceId, String spanId, String word, long startNanos, String... extraAttributes) {
    StringBuilder attrs = new StringBuilder("{\"key\": \"http.request.body\", \"value\": {\"stringValue\": \"{\\\"email\\\":\\\""
        + word + "@gmail.com\\\"}\"}}");
    for (String a : extraAttributes) {
      int colon = a.indexOf(':');
      attrs.append(", {\"key\": ").append(a, 0, colon).append(", \"value\": ").append(a.substring(colon + 1)).append('}');
    }
    return "{\"traceId\": \"" + traceId + "\", \"spanId\": \"" + spanId + "\", \"name\": \"POST /checkout\", \"kind\": 2,"
        + " \"startTimeUnixNano\": \"" + startNanos + "\", \"endTimeUnixNano\": \"" + (startNanos + 5_000_000) + "\","
        + " \"attributes\": [" + attrs + "]}";
  }

  static String request(String... spans) {
    return "{\"resourceSpans\": [{\"resource\": {\"attributes\": [{\"key\": \"service.name\", \"value\": {\"stringValue\": \"api\"}}]},"
        + " \"scopeSpans\": [{\"spans\": [" + String.join(",", spans) + "]}]}]}";
  }

  /** The same kind of request as protobuf bytes. */
  static byte[] protobufRequest(String traceId, String word) {
    ExportTraceServiceRequest.Builder b = ExportTraceServiceRequest.newBuilder();
    try {
      String json = request(span(traceId, "00f067aa0ba902ff", word))
          .replace(traceId, java.util.Base64.getEncoder().encodeToString(HexFormat.of().parseHex(traceId)))
          .replace("00f067aa0ba902ff", java.util.Base64.getEncoder().encodeToString(HexFormat.of().parseHex("00f067aa0ba902ff")));
      JsonFormat.parser().merge(json, b);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
    return b.build().toByteArray();
  }
}
