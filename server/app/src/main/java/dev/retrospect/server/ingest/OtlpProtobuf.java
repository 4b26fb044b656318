package dev.retrospect.server.ingest;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.retrospect.core.InvalidInputException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

/** Decodes OTLP protobuf ({@code application/x-protobuf}) request bodies. */
public final class OtlpProtobuf {
  private OtlpProtobuf() {}

  /** Decodes the body; throws {@link InvalidInputException} when it is not an OTLP trace request. */
  public static ExportTraceServiceRequest decode(byte[] body) {
    try {
      return ExportTraceServiceRequest.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidInputException("body is not an OTLP protobuf trace request: " + e.getMessage());
    }
  }
}
