package dev.retrospect.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Posts request bodies over a fixed number of concurrent HTTP/1.1 connections, one request in
 * flight per connection, until every body is sent or the time is up. A body that gets 429 or 503
 * is counted as rejected and not retried (its spans are then neither acknowledged nor expected in
 * the store); the connection waits {@link #REJECTION_BACKOFF} before its next request, as a
 * client honouring back-pressure would.
 */
public final class IngestLoad {
  static final Duration REJECTION_BACKOFF = Duration.ofMillis(100);

  /** Outcome of batch {@code i}: 0 not sent, else the HTTP status, or -1 on an I/O error. */
  public record Result(int[] status, long[] latencyNanos, long elapsedNanos, int spansPerBatch,
      List<String> errors) {

    public int sent() {
      int n = 0;
      for (int s : status) if (s != 0) n++;
      return n;
    }

    public boolean acknowledged(int batch) {
      return status[batch] >= 200 && status[batch] < 300;
    }

    public int acknowledgedBatches() {
      int n = 0;
      for (int i = 0; i < status.length; i++) if (acknowledged(i)) n++;
      return n;
    }

    public int count(int httpStatus) {
      int n = 0;
      for (int s : status) if (s == httpStatus) n++;
      return n;
    }

    public int failed() {
      int n = 0;
      for (int s : status) if (s == -1 || (s >= 300 && s != 429 && s != 503)) n++;
      return n;
    }

    public long acknowledgedSpans() {
      return (long) acknowledgedBatches() * spansPerBatch;
    }

    public double seconds() {
      return elapsedNanos / 1e9;
    }

    public LatencySummary acknowledgementLatency() {
      long[] acked = new long[acknowledgedBatches()];
      int j = 0;
      for (int i = 0; i < status.length; i++) if (acknowledged(i)) acked[j++] = latencyNanos[i];
      return LatencySummary.ofNanos(acked);
    }
  }

  private IngestLoad() {}

  /**
   * @param bodies body of batch {@code i}; called from the sending threads
   */
  public static Result run(URI uri, String contentType, IntFunction<byte[]> bodies, int batches,
      int spansPerBatch, int connections, Duration limit) {
    HttpClient client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
    int[] status = new int[batches];
    long[] latency = new long[batches];
    List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicInteger next = new AtomicInteger();
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    List<Thread> workers = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      Thread worker = new Thread(() -> {
        int batch;
        while (System.nanoTime() < deadline && (batch = next.getAndIncrement()) < batches) {
          HttpRequest request = HttpRequest.newBuilder(uri)
              .timeout(Duration.ofSeconds(60))
              .header("Content-Type", contentType)
              .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.apply(batch)))
              .build();
          long sent = System.nanoTime();
          try {
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            latency[batch] = System.nanoTime() - sent;
            status[batch] = response.statusCode();
            if (response.statusCode() == 429 || response.statusCode() == 503) {
              ServerProcess.sleep(REJECTION_BACKOFF.toMillis());
            } else if (response.statusCode() >= 300 && errors.size() < 5) {
              errors.add(response.statusCode() + " " + new String(response.body()));
            }
          } catch (IOException e) {
            status[batch] = -1;
            if (errors.size() < 5) errors.add(e.toString());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }, "ingest-" + c);
      worker.start();
      workers.add(worker);
    }
    for (Thread worker : workers) {
      try {
        worker.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return new Result(status, latency, System.nanoTime() - start, spansPerBatch, List.copyOf(errors));
  }
}
