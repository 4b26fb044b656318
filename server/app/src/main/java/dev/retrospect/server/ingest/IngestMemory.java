package dev.retrospect.server.ingest;

import com.linecorp.armeria.server.ServiceRequestContext;
import dev.retrospect.core.StorageOverloadedException;
import dev.retrospect.server.MemoryBudget;
import dev.retrospect.server.MemoryBudget.Reservation;
import io.netty.util.AttributeKey;

/**
 * The heap that ingest requests in flight may hold, all ports together. A request's body is
 * small next to what decoding makes of it: the decompressed bytes, the protobuf or JSON objects,
 * the spans and their stored form, all alive until the write is durable. The request-count limit
 * alone let 48 concurrent 6 MB OTLP JSON requests exhaust a 384 MB heap (84 answers of 500 with
 * OutOfMemoryError). So each request holds a reservation of {@link #BYTES_PER_BODY_BYTE} times its
 * body: its declared length when it is admitted, grown to its decompressed size (a gzip body, or one
 * without a declared length) before it is decoded. A request that does not fit is answered with
 * Retry-After (429 when admitted, 503 before decoding) and decodes nothing, unless nothing else
 * holds memory: a lone request up to the size caps is always taken, so a big one is slow, not
 * refused forever.
 */
public final class IngestMemory {
  /**
   * Heap held per byte of decompressed body while a request is decoded and written: measured
   * roughly (a 6.2 MB OTLP JSON body of 100 spans), rounded up.
   */
  public static final int BYTES_PER_BODY_BYTE = 6;

  private static final AttributeKey<Reservation> RESERVATION =
      AttributeKey.valueOf(IngestMemory.class, "reservation");

  private final MemoryBudget budget;

  /** @param budget by default half of the JVM's maximum heap */
  public IngestMemory(MemoryBudget budget) {
    this.budget = budget;
  }

  /**
   * Reserves what decoding a body of {@code bodyBytes} will hold, released when the request's
   * exchange ends however it ends; false when it does not fit.
   */
  public boolean admit(ServiceRequestContext ctx, long bodyBytes) {
    Reservation reservation = budget.open(ctx);
    if (!reservation.growTo(bodyBytes * BYTES_PER_BODY_BYTE)) return false;
    ctx.setAttr(RESERVATION, reservation);
    return true;
  }

  /**
   * Grows the request's reservation to what decoding a body of this many (decompressed) bytes
   * will hold; throws {@link StorageOverloadedException} (503, Retry-After) when it does not fit.
   * A request that was not admitted through {@link #admit} is admitted here.
   */
  public void beforeDecoding(ServiceRequestContext ctx, long bodyBytes) {
    long needed = bodyBytes * BYTES_PER_BODY_BYTE;
    Reservation reservation = ctx.attr(RESERVATION);
    boolean fits = reservation != null ? reservation.growTo(needed) : admit(ctx, bodyBytes);
    if (!fits) {
      throw new StorageOverloadedException("ingest requests in flight hold their memory budget of "
          + budget.capacity() / (1024 * 1024) + " MB; this one needs " + Math.max(1, needed / (1024 * 1024)) + " MB");
    }
  }
}
