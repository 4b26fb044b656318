package dev.retrospect.server.api;

import com.linecorp.armeria.server.ServiceRequestContext;
import dev.retrospect.server.MemoryBudget;
import java.util.concurrent.atomic.LongAdder;

/**
 * The heap that API queries in flight may hold, all together. The count limit alone does not bound
 * it: one replay read holds every batch it answers with, decompressed, one trace read every span of
 * the trace, one search page or export up to 1,000 or 10,000 spans; 32 of those at once exhausted a
 * 384 MB heap. So a query reserves what it will hold before it reads, decompresses or formats it,
 * from sizes the store tells without reading (a trace's, a replay's) or page by page (searches),
 * and grows its reservation as it goes. One that does not fit
 * is answered 503 with Retry-After, unless no other query holds memory: a query alone is always
 * answered. The default is a quarter of the heap, so that with ingest's half a quarter stays free
 * for everything else (the store, connections, the objects each request makes and drops).
 */
final class QueryMemory {
  /**
   * Heap a query holds per byte of the spans it answers with, as a store tells their size: the
   * spans decoded (their strings and maps, about that size again), their JSON tree, and the bytes
   * of the answer while they are written and copied once.
   */
  static final int HEAP_PER_SPAN_BYTE = 6;

  /**
   * Heap a query holds per session or chapter it answers with: the record, its strings (a user
   * agent, URLs) and their JSON, written out. Neither is large; a session may have thousands of
   * chapters, and a session search a thousand sessions.
   */
  static final int HEAP_PER_SESSION_OR_CHAPTER = 4096;

  private final MemoryBudget budget;
  private final LongAdder refused;

  /**
   * @param budget by default a quarter of the JVM's maximum heap
   * @param refused counts the queries refused for memory
   */
  QueryMemory(MemoryBudget budget, LongAdder refused) {
    this.budget = budget;
    this.refused = refused;
  }

  /** An empty share for this query, given back when its exchange ends however it ends. */
  Share share(ServiceRequestContext ctx) {
    return new Share(budget.open(ctx));
  }

  /** One query's part of the budget. */
  final class Share {
    private final MemoryBudget.Reservation reservation;

    private Share(MemoryBudget.Reservation reservation) {
      this.reservation = reservation;
    }

    /** Grows the share to {@code bytes}; throws {@link OverBudgetException} (503) when that does not fit. */
    void growTo(long bytes) {
      if (reservation.growTo(bytes)) return;
      refused.increment();
      throw new OverBudgetException("queries in flight hold their memory budget of " + budget.capacity() / (1024 * 1024)
          + " MB; this one needs " + Math.max(1, bytes / (1024 * 1024)) + " MB; retry after 1 s");
    }
  }

  /** A query that would not fit: answered 503 with Retry-After, before it holds the memory. */
  static final class OverBudgetException extends RuntimeException {
    OverBudgetException(String message) {
      super(message);
    }
  }
}
