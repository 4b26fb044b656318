package dev.retrospect.server.ingest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.AbstractHttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.retrospect.core.ReplayBatch;
import dev.retrospect.core.Storage;
import dev.retrospect.server.IngestMetrics;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /v1/replay}: one replay batch from the browser agent, JSON or text/plain (so that
 * {@code sendBeacon} needs no CORS preflight), gzip-compressed by header or recognized by its magic
 * bytes. Answers {@code {"accepted": events}} once the batch is durable; a retried batch (same
 * session and sequence) is answered the same way and stored once.
 */
public final class ReplayService extends AbstractHttpService {
  private final Storage storage;
  private final IngestMetrics metrics;
  private final BodyLimits limits;
  private final IngestMemory memory;

  public ReplayService(Storage storage, IngestMetrics metrics, BodyLimits limits, IngestMemory memory) {
    this.storage = storage;
    this.metrics = metrics;
    this.limits = limits;
    this.memory = memory;
  }

  @Override
  protected HttpResponse doPost(ServiceRequestContext ctx, HttpRequest req) {
    MediaType type = req.contentType();
    if (type != null && !type.is(MediaType.JSON) && !type.is(MediaType.PLAIN_TEXT)
        && !type.is(MediaType.OCTET_STREAM)) {
      metrics.requestsRefused.increment();
      return IngestResponses.error(HttpStatus.UNSUPPORTED_MEDIA_TYPE, true,
          "Content-Type must be application/json or text/plain, got \"" + type + "\"");
    }
    HttpResponse refused = limits.refuseEarly(ctx, req, true, metrics);
    if (refused != null) return refused;
    boolean gzip = BodyLimits.gzipHeader(req);

    CompletableFuture<HttpResponse> response = req.aggregate()
        .thenApplyAsync(body -> {
          byte[] bytes = body.content().array();
          // sendBeacon cannot set Content-Encoding, so a gzip body is also known by its first bytes.
          if (gzip || BoundedGunzip.looksGzipped(bytes)) bytes = limits.gunzip(bytes);
          memory.beforeDecoding(ctx, bytes.length);
          return ReplayBatchDecoder.decode(bytes);
        }, ctx.blockingTaskExecutor())
        .thenCompose(this::write)
        // The store completes its futures on its single writer thread: answer from the event loop.
        .thenApplyAsync(batch -> HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8,
            JsonNodeFactory.instance.objectNode().put("accepted", batch.eventCount()).toString()), ctx.eventLoop())
        .exceptionally(e -> IngestResponses.failure(IngestFailure.of(e, metrics), true));
    return HttpResponse.of(response);
  }

  private CompletableFuture<ReplayBatch> write(ReplayBatch batch) {
    long start = System.nanoTime();
    CompletableFuture<Void> written;
    try {
      written = storage.writeReplay(batch);
    } catch (RuntimeException e) {
      written = CompletableFuture.failedFuture(e);
    }
    return written.thenApply(ignored -> {
      metrics.recordWrite(System.nanoTime() - start);
      metrics.replayBatches.increment();
      metrics.replayEvents.add(batch.eventCount());
      return batch;
    });
  }
}
