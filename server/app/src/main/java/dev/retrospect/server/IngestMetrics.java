package dev.retrospect.server;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/** Counters of the ingest path, written as Prometheus text by {@code GET /metrics}. */
public final class IngestMetrics {
  /** Upper bounds of the write-latency histogram buckets, in seconds. */
  private static final double[] BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  public final LongAdder spansReceived = new LongAdder();
  public final LongAdder spansRejected = new LongAdder();
  public final LongAdder spansStored = new LongAdder();
  public final LongAdder replayBatches = new LongAdder();
  public final LongAdder replayEvents = new LongAdder();
  public final LongAdder requestsRefused = new LongAdder();
  public final LongAdder overloaded = new LongAdder();
  public final LongAdder queriesOverloaded = new LongAdder();
  public final LongAdder queriesOverMemory = new LongAdder();

  private final AtomicLongArray bucketCounts = new AtomicLongArray(BUCKETS.length + 1);
  private final LongAdder latencyCount = new LongAdder();
  private final LongAdder latencyNanos = new LongAdder();
  private final IntSupplier queueDepth;
  private final LongSupplier ingestMemoryHeld;
  private final LongSupplier queryMemoryHeld;

  public IngestMetrics(IntSupplier queueDepth, LongSupplier ingestMemoryHeld, LongSupplier queryMemoryHeld) {
    this.queueDepth = queueDepth;
    this.ingestMemoryHeld = ingestMemoryHeld;
    this.queryMemoryHeld = queryMemoryHeld;
  }

  /** Records how long a durable write took, from the store's acceptance to its acknowledgement. */
  public void recordWrite(long nanos) {
    double seconds = nanos / 1e9;
    int i = 0;
    while (i < BUCKETS.length && seconds > BUCKETS[i]) i++;
    bucketCounts.incrementAndGet(i);
    latencyCount.increment();
    latencyNanos.add(nanos);
  }

  /** The Prometheus text exposition of every metric. */
  public String prometheusText() {
    StringBuilder out = new StringBuilder(2048);
    counter(out, "retrospect_spans_received_total", "Spans received in OTLP requests", spansReceived.sum());
    counter(out, "retrospect_spans_rejected_total", "Spans refused by validation (reported in partial_success)", spansRejected.sum());
    counter(out, "retrospect_spans_stored_total", "Spans acknowledged as durably stored", spansStored.sum());
    counter(out, "retrospect_replay_batches_total", "Replay batches acknowledged as durably stored", replayBatches.sum());
    counter(out, "retrospect_replay_events_total", "rrweb events in stored replay batches", replayEvents.sum());
    counter(out, "retrospect_requests_refused_total", "Ingest requests answered with a 4xx for bad input", requestsRefused.sum());
    counter(out, "retrospect_requests_overloaded_total", "Ingest requests refused with 429/503 because the in-flight limit or the write queue was full", overloaded.sum());
    counter(out, "retrospect_queries_overloaded_total", "API queries refused with 503 because the queries in flight were at their limit", queriesOverloaded.sum());
    counter(out, "retrospect_queries_over_memory_total", "API queries refused with 503 because the queries in flight held their memory budget", queriesOverMemory.sum());
    out.append("# HELP retrospect_write_queue_depth Writes accepted by the store and not yet durable\n")
        .append("# TYPE retrospect_write_queue_depth gauge\n")
        .append("retrospect_write_queue_depth ").append(queueDepth.getAsInt()).append('\n');
    out.append("# HELP retrospect_memory_reserved_bytes Heap reserved now by the requests in flight, per memory budget\n")
        .append("# TYPE retrospect_memory_reserved_bytes gauge\n")
        .append("retrospect_memory_reserved_bytes{budget=\"ingest\"} ").append(ingestMemoryHeld.getAsLong()).append('\n')
        .append("retrospect_memory_reserved_bytes{budget=\"queries\"} ").append(queryMemoryHeld.getAsLong()).append('\n');
    out.append("# HELP retrospect_write_seconds Time from handing a write to the store until it is durable\n")
        .append("# TYPE retrospect_write_seconds histogram\n");
    long cumulative = 0;
    for (int i = 0; i < BUCKETS.length; i++) {
      cumulative += bucketCounts.get(i);
      out.append("retrospect_write_seconds_bucket{le=\"").append(BUCKETS[i]).append("\"} ").append(cumulative).append('\n');
    }
    cumulative += bucketCounts.get(BUCKETS.length);
    out.append("retrospect_write_seconds_bucket{le=\"+Inf\"} ").append(cumulative).append('\n')
        .append("retrospect_write_seconds_sum ").append(latencyNanos.sum() / 1e9).append('\n')
        .append("retrospect_write_seconds_count ").append(latencyCount.sum()).append('\n');
    return out.toString();
  }

  private static void counter(StringBuilder out, String name, String help, long value) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n')
        .append("# TYPE ").append(name).append(" counter\n")
        .append(name).append(' ').append(value).append('\n');
  }
}
