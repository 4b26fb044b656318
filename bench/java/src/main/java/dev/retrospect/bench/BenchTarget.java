package dev.retrospect.bench;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/** A trace server under test, started by the benchmark as a child process. */
public interface BenchTarget extends AutoCloseable {

  /** For the results table, e.g. {@code Retrospect (embedded)}. */
  String name();

  /** Starts the server on a fresh store and waits until it is healthy. */
  void start();

  ServerProcess process();

  URI ingestUri();

  String contentType();

  byte[] encode(List<CheckoutTrace> traces);

  /**
   * Searches the way a user looking for this customer would; returns the spans of {@code traceId}
   * found. Throws when no answer came within {@code timeout}.
   */
  int spansFoundByEmail(String email, String traceId, Duration timeout);

  /** Whether {@link #spansFoundByWord} works: Zipkin matches whole tag values only. */
  boolean searchesWords();

  /** Free-text search for one word; returns the spans of {@code traceId} found. */
  int spansFoundByWord(String word, String traceId);

  /** How long a query API call that names no timeout of its own may take before it fails. */
  void queryTimeout(Duration timeout);

  /** Counts what the store really holds of sampled traces; close it when done. */
  StoredCounter storedCounter();

  /** Fetches the trace by id (one partition read on Cassandra, no index); returns how many spans came back. */
  int traceSpans(String traceId);

  /** Searches server errors (5xx) that started in the window; returns how many spans came back. */
  int errorSpansIn(long fromMicros, long toMicros);

  /** The server's own counters about received and stored spans, as it reports them. */
  String counters();

  @Override
  void close();
}
