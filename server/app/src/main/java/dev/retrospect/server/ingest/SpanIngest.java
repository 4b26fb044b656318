package dev.retrospect.server.ingest;

import dev.retrospect.core.Storage;
import dev.retrospect.server.IngestMetrics;
import java.util.concurrent.CompletableFuture;

/**
 * The write path shared by OTLP/HTTP and OTLP/gRPC: hands decoded spans to the store and completes
 * when they are durable, so that a request is acknowledged only then.
 */
public final class SpanIngest {
  private final Storage storage;
  private final IngestMetrics metrics;

  public SpanIngest(Storage storage, IngestMetrics metrics) {
    this.storage = storage;
    this.metrics = metrics;
  }

  /**
   * Stores the accepted spans. The future fails with the store's StorageOverloadedException when
   * its queue is full (nothing stored) and completes with the same DecodedSpans once durable.
   */
  public CompletableFuture<DecodedSpans> write(DecodedSpans decoded) {
    metrics.spansReceived.add(decoded.spans().size() + decoded.rejected());
    metrics.spansRejected.add(decoded.rejected());
    if (decoded.spans().isEmpty()) return CompletableFuture.completedFuture(decoded);
    long start = System.nanoTime();
    CompletableFuture<Void> written;
    try {
      written = storage.writeSpans(decoded.spans());
    } catch (RuntimeException e) {
      written = CompletableFuture.failedFuture(e);
    }
    return written.thenApply(ignored -> {
      metrics.recordWrite(System.nanoTime() - start);
      metrics.spansStored.add(decoded.spans().size());
      return decoded;
    });
  }
}
