package dev.retrospect.server.ingest;

import com.linecorp.armeria.server.ServiceRequestContext;
import dev.retrospect.server.IngestMetrics;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;

/**
 * OTLP/gRPC {@code TraceService/Export}, with the semantics of the HTTP endpoint: partial success
 * for spans refused by validation, UNAVAILABLE (which OTLP clients retry) when the write queue is
 * full, and an answer only once the accepted spans are durable. gRPC itself decodes the protobuf
 * (and gzip) and enforces the message size cap.
 */
public final class OtlpGrpcService extends TraceServiceGrpc.TraceServiceImplBase {
  private final SpanIngest ingest;
  private final IngestMetrics metrics;

  public OtlpGrpcService(SpanIngest ingest, IngestMetrics metrics) {
    this.ingest = ingest;
    this.metrics = metrics;
  }

  @Override
  public void export(ExportTraceServiceRequest request, StreamObserver<ExportTraceServiceResponse> responses) {
    DecodedSpans decoded = OtlpSpanMapper.map(request, new OtlpSpanMapper.Rejections());
    // The store completes its futures on its single writer thread: answer from the event loop.
    ingest.write(decoded).whenCompleteAsync((done, error) -> {
      if (error != null) {
        IngestFailure failure = IngestFailure.of(error, metrics);
        Status status = switch (failure.status().code()) {
          case 400 -> Status.INVALID_ARGUMENT;
          case 413 -> Status.RESOURCE_EXHAUSTED;
          case 503 -> Status.UNAVAILABLE;
          default -> Status.INTERNAL;
        };
        responses.onError(status.withDescription(failure.message()).asRuntimeException());
        return;
      }
      responses.onNext(done.response());
      responses.onCompleted();
    }, ServiceRequestContext.current().eventLoop());
  }
}
