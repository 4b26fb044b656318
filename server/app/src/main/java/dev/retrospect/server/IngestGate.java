package dev.retrospect.server;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.retrospect.server.ingest.IngestFailure;
import dev.retrospect.server.ingest.IngestMemory;
import dev.retrospect.server.ingest.IngestResponses;
import java.util.concurrent.Semaphore;

/**
 * Bounds the ingest requests being read, decoded and written at once, on all ports together.
 * Each holds its body (up to the request cap), its decompressed form and its decoded spans, so this
 * bound, not the store's queue alone, is what keeps memory bounded when clients offer far more than
 * the disk can take. A request that declares its length also reserves that much of the {@link
 * IngestMemory} budget here, before its body is read (the services grow the reservation before
 * decoding). Past either bound a request is answered 429 with Retry-After at once, before its body
 * is read; OTLP exporters and the browser agent retry such answers.
 */
final class IngestGate implements DecoratingHttpServiceFunction {
  private static final MediaType PROTOBUF = MediaType.create("application", "x-protobuf");

  private final Semaphore permits;
  private final IngestMemory memory;
  private final IngestMetrics metrics;

  IngestGate(int maxInFlight, IngestMemory memory, IngestMetrics metrics) {
    this.permits = new Semaphore(maxInFlight);
    this.memory = memory;
    this.metrics = metrics;
  }

  @Override
  public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
    if (!permits.tryAcquire()) return refuse(req, "too many ingest requests in flight");
    // Released when the exchange is over, however it ends (answered, failed, client gone).
    ctx.log().whenComplete().thenRun(permits::release);
    long length = req.headers().contentLength();
    if (length > 0 && !memory.admit(ctx, length)) {
      return refuse(req, "ingest requests in flight hold their memory budget");
    }
    return delegate.serve(ctx, req);
  }

  private HttpResponse refuse(HttpRequest req, String why) {
    metrics.overloaded.increment();
    MediaType type = req.contentType();
    boolean json = type == null || !(type.is(PROTOBUF) || type.subtype().startsWith("grpc"));
    return IngestResponses.error(HttpStatus.TOO_MANY_REQUESTS, json,
        why + "; retry after " + IngestFailure.RETRY_AFTER_SECONDS + " s");
  }
}
