package dev.retrospect.server.ingest;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Spans made by the real OpenTelemetry Java SDK, encoded by the SDK's own OTLP marshaler. */
final class SdkSpans {
  private SdkSpans() {}

  /** A server span of service "checkout" with a JSON request body and old-style HTTP attributes. */
  static List<SpanData> checkout(String email) {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    try (SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(
            Attributes.of(AttributeKey.stringKey("service.name"), "checkout"))))
        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
        .build()) {
      Tracer tracer = provider.get("test");
      var span = tracer.spanBuilder("POST /checkout").setSpanKind(SpanKind.SERVER).startSpan();
      span.setAttribute("http.method", "POST");
      span.setAttribute("http.status_code", 400L);
      span.setAttribute("http.request.body", "{\"email\":\"" + email + "\",\"items\":[\"cherries\"]}");
      span.setAttribute(AttributeKey.doubleKey("ratio"), 0.5);
      span.setAttribute(AttributeKey.stringArrayKey("tags"), List.of("a", "b"));
      span.addEvent("exception", Attributes.of(AttributeKey.stringKey("exception.message"), "out of stock"));
      span.end();
      // Read before the provider closes: shutting it down empties the in-memory exporter.
      return exporter.getFinishedSpanItems();
    }
  }

  static byte[] protobuf(List<SpanData> spans) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      TraceRequestMarshaler.create(spans).writeBinaryTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] json(List<SpanData> spans) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      TraceRequestMarshaler.create(spans).writeJsonTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
