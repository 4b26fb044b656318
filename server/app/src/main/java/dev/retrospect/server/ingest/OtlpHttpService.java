package dev.retrospect.server.ingest;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.AbstractHttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.retrospect.server.IngestMetrics;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.util.concurrent.CompletableFuture;

/**
 * OTLP/HTTP {@code POST /v1/traces}: protobuf or OTLP JSON, optionally gzip. Answers in the
 * request's format once the accepted spans are durable; errors follow the OTLP spec (a {@code
 * google.rpc.Status} for protobuf requests, {@code {"error": ...}} for JSON ones).
 */
public final class OtlpHttpService extends AbstractHttpService {
  private static final JsonFormat.Printer JSON_PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

  private final SpanIngest ingest;
  private final IngestMetrics metrics;
  private final BodyLimits limits;
  private final IngestMemory memory;

  public OtlpHttpService(SpanIngest ingest, IngestMetrics metrics, BodyLimits limits, IngestMemory memory) {
    this.ingest = ingest;
    this.metrics = metrics;
    this.limits = limits;
    this.memory = memory;
  }

  @Override
  protected HttpResponse doPost(ServiceRequestContext ctx, HttpRequest req) {
    MediaType type = req.contentType();
    boolean json;
    if (type != null && type.is(IngestResponses.PROTOBUF)) {
      json = false;
    } else if (type != null && type.is(MediaType.JSON)) {
      json = true;
    } else {
      metrics.requestsRefused.increment();
      return IngestResponses.error(HttpStatus.UNSUPPORTED_MEDIA_TYPE, false,
          "Content-Type must be application/x-protobuf or application/json, got "
              + (type == null ? "none" : "\"" + type + "\""));
    }
    HttpResponse refused = limits.refuseEarly(ctx, req, json, metrics);
    if (refused != null) return refused;
    boolean gzip = BodyLimits.gzipHeader(req);

    CompletableFuture<HttpResponse> response = req.aggregate()
        .thenApplyAsync(body -> decode(ctx, body, gzip, json), ctx.blockingTaskExecutor())
        .thenCompose(ingest::write)
        // The store completes its futures on its single writer thread: answer from the event loop.
        .thenApplyAsync(done -> success(done, json), ctx.eventLoop())
        .exceptionally(e -> IngestResponses.failure(IngestFailure.of(e, metrics), json));
    return HttpResponse.of(response);
  }

  private DecodedSpans decode(ServiceRequestContext ctx, AggregatedHttpRequest body, boolean gzip, boolean json) {
    byte[] bytes = body.content().array();
    if (gzip) bytes = limits.gunzip(bytes);
    memory.beforeDecoding(ctx, bytes.length);
    OtlpSpanMapper.Rejections rejections = new OtlpSpanMapper.Rejections();
    ExportTraceServiceRequest request;
    if (json) {
      request = OtlpJsonDecoder.decode(bytes, rejections);
    } else {
      request = OtlpProtobuf.decode(bytes);
    }
    return OtlpSpanMapper.map(request, rejections);
  }

  private static HttpResponse success(DecodedSpans done, boolean json) {
    ExportTraceServiceResponse response = done.response();
    if (!json) {
      return HttpResponse.of(HttpStatus.OK, IngestResponses.PROTOBUF, response.toByteArray());
    }
    try {
      return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, JSON_PRINTER.print(response));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a response message always prints", e);
    }
  }
}
