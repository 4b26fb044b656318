package dev.retrospect.server.ingest;

import com.linecorp.armeria.server.ServiceRequestContext;
import dev.retrospect.server.IngestMetrics;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.util.concurrent.CompletableFuture;

/**
 * OTLP/gRPC {@code TraceService/Export}, with the semantics of the HTTP endpoint: partial success
 * for spans refused by validation, UNAVAILABLE (which OTLP clients retry) when the write queue is
 * full, and an answer only once the accepted spans are durable. gRPC itself decodes the protobuf
 * (and gzip) and enforces the message size cap.
 */
public final class OtlpGrpcService extends TraceServiceGrpc.TraceServiceImplBase {
  private final SpanIngest ingest;
  private final IngestMetrics metrics;
  private final IngestMemory memory;

  public OtlpGrpcService(SpanIngest ingest, IngestMetrics metrics, IngestMemory memory) {
    this.ingest = ingest;
    this.metrics = metrics;
    this.memory = memory;
  }

  @Override
  public void export(ExportTraceServiceRequest request, StreamObserver<ExportTraceServiceResponse> responses) {
    CompletableFuture<DecodedSpans> written;
    try {
      // gRPC has parsed the message already; the spans made from it are what is still to come.
      memory.beforeDecoding(ServiceRequestContext.current(), request.getSerializedSize());
      written = ingest.write(OtlpSpanMapper.map(request, new OtlpSpanMapper.Rejections()));
    } catch (RuntimeException e) {
      written = CompletableFuture.failedFuture(e);
    }
    // The store completes its futures on its single writer thread: answer from the event loop.
    written.whenCompleteAsync((done, error) -> {
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
