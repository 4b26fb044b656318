package dev.retrospect.server;

import com.linecorp.armeria.server.ServiceRequestContext;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes of heap that requests in flight may hold together. Each request reserves what it will hold
 * before it holds it and grows its reservation as it learns more; a reservation that does not fit is
 * refused, unless nothing else holds any: a request alone is always let through, so that a large
 * one is slow under load, never refused forever. Ingest and queries each have their own budget.
 */
public final class MemoryBudget {
  private final long capacity;
  private final AtomicLong held = new AtomicLong();

  private MemoryBudget(long capacity) {
    this.capacity = capacity;
  }

  /** A budget of {@code capacity} bytes, or when that is 0 of the JVM's maximum heap divided by {@code heapDivisor}. */
  public static MemoryBudget ofBytesOrHeapShare(long capacity, int heapDivisor) {
    return new MemoryBudget(capacity > 0 ? capacity : Runtime.getRuntime().maxMemory() / heapDivisor);
  }

  public long capacity() {
    return capacity;
  }

  /** Bytes reserved now, for {@code /metrics}. */
  public long held() {
    return held.get();
  }

  /** An empty reservation for the request, given back when its exchange ends, however it ends. */
  public Reservation open(ServiceRequestContext ctx) {
    Reservation reservation = new Reservation();
    ctx.log().whenComplete().thenRun(reservation::release);
    return reservation;
  }

  /** One request's share of the budget. */
  public final class Reservation {
    private long bytes;
    private boolean released;

    /** Grows this reservation to {@code wanted} bytes; false, holding no more, when that does not fit. */
    public synchronized boolean growTo(long wanted) {
      if (released || wanted <= bytes) return true;
      long more = wanted - bytes;
      while (true) {
        long now = held.get();
        // Alone (nothing held but this request's own bytes), a request is always let through.
        if (now + more > capacity && now > bytes) return false;
        if (held.compareAndSet(now, now + more)) break;
      }
      bytes = wanted;
      return true;
    }

    /** Gives the bytes back; later calls and later growth do nothing. */
    private synchronized void release() {
      if (released) return;
      released = true;
      held.addAndGet(-bytes);
    }
  }
}
