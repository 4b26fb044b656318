package dev.retrospect.server;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.retrospect.server.ingest.IngestResponses;
import java.util.concurrent.Semaphore;

/**
 * Bounds the ingest requests being read, decoded and written at once, on all ports together.
 * Each holds its body (up to the request cap), its decompressed form and its decoded spans, so this
 * bound, not the store's queue alone, is what keeps memory bounded when clients offer far more than
 * the disk can take. Past it a request is answered 429 with Retry-After at once, before its body is
 * read; OTLP exporters and the browser agent retry such answers.
 */
final class IngestGate implements DecoratingHttpServiceFunction {
  private static final MediaType PROTOBUF = MediaType.create("application", "x-protobuf");

  private final Semaphore permits;
  private final IngestMetrics metrics;

  IngestGate(int maxInFlight, IngestMetrics metrics) {
    this.permits = new Semaphore(maxInFlight);
    this.metrics = metrics;
  }

  @Override
  public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
    if (!permits.tryAcquire()) {
      metrics.overloaded.increment();
      MediaType type = req.contentType();
      boolean json = type == null || !(type.is(PROTOBUF) || type.subtype().startsWith("grpc"));
      return IngestResponses.error(HttpStatus.TOO_MANY_REQUESTS, json,
          "too many ingest requests in flight; retry after " + dev.retrospect.server.ingest.IngestFailure.RETRY_AFTER_SECONDS + " s");
    }
    // Released when the exchange is over, however it ends (answered, failed, client gone).
    ctx.log().whenComplete().thenRun(permits::release);
    return delegate.serve(ctx, req);
  }
}
