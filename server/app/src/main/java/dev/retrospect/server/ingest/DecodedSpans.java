package dev.retrospect.server.ingest;

import dev.retrospect.core.Span;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.util.List;

/**
 * The spans of one OTLP request that passed validation, and what was refused: the counts and
 * message of OTLP's {@code partial_success}.
 *
 * @param rejected spans refused by validation
 * @param message why, for the client; empty when nothing needs saying
 */
public record DecodedSpans(List<Span> spans, int rejected, String message) {
  public DecodedSpans {
    spans = List.copyOf(spans);
  }

  /** The OTLP answer once the accepted spans are stored; partial_success only when there is news. */
  public ExportTraceServiceResponse response() {
    ExportTraceServiceResponse.Builder response = ExportTraceServiceResponse.newBuilder();
    if (rejected > 0 || !message.isEmpty()) {
      response.setPartialSuccess(ExportTracePartialSuccess.newBuilder()
          .setRejectedSpans(rejected)
          .setErrorMessage(message));
    }
    return response.build();
  }
}
