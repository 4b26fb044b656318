package dev.retrospect.store.cassandra;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.servererrors.BootstrappingException;
import com.datastax.oss.driver.api.core.servererrors.OverloadedException;
import com.datastax.oss.driver.api.core.servererrors.QueryExecutionException;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Statement;
import dev.retrospect.core.StorageOverloadedException;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs writes as independent single-partition statements, with two bounds. Admission: at most
 * {@code maxPending} spans or batches accepted and not yet stored; a write beyond it is refused at
 * once and stores nothing, so the server answers 429/503 instead of acknowledging and then losing
 * it. Concurrency: at most {@code maxInFlight} statements sent to Cassandra at a time, the rest
 * wait here, so a burst never exhausts the driver's connections.
 */
final class BoundedWriter {
  private final CqlSession session;
  private final int maxPending;
  private final AtomicInteger pending = new AtomicInteger();
  private final Semaphore inFlight;
  private final Queue<Task> waiting = new ConcurrentLinkedQueue<>();
  private final ThreadLocal<Boolean> draining = ThreadLocal.withInitial(() -> false);

  BoundedWriter(CqlSession session, int maxPending, int maxInFlight) {
    this.session = session;
    this.maxPending = maxPending;
    this.inFlight = new Semaphore(maxInFlight);
  }

  /**
   * Runs the statements of one write of {@code units} spans or batches. The future completes when
   * every statement succeeded, and fails once all have run if any failed (the statements are
   * idempotent, so the client's retry rewrites what did get stored). It fails at once with {@link
   * StorageOverloadedException}, nothing sent, when accepting the write would exceed the bound; a
   * single write larger than the bound is accepted when nothing else is pending, so it can progress.
   */
  CompletableFuture<Void> write(int units, List<Statement<?>> statements) {
    return write(units, () -> CompletableFuture.completedFuture(statements));
  }

  /**
   * As {@link #write(int, List)}, for a write whose statements depend on a read (which chapters a
   * replay batch may write): admitted or refused at once, before anything is read, and counted as
   * pending while its statements are worked out.
   */
  CompletableFuture<Void> write(int units, Supplier<CompletionStage<List<Statement<?>>>> statements) {
    int now;
    do {
      now = pending.get();
      if (now > 0 && now + units > maxPending) {
        return CompletableFuture.failedFuture(new StorageOverloadedException(
            "Cassandra store is busy: " + now + " writes pending (limit " + maxPending + "); retry later"));
      }
    } while (!pending.compareAndSet(now, now + units));

    // Composed rather than called, so that a supplier that throws fails the future and frees its units.
    return CompletableFuture.completedFuture(statements).thenCompose(Supplier::get).thenCompose(this::run)
        .whenComplete((ok, error) -> pending.addAndGet(-units));
  }

  /**
   * Runs one statement whose result the caller needs (a lightweight transaction, a read that
   * decides what to write) under the same in-flight bound as the writes. It is not admitted on its
   * own: call it from the supplier of an admitted {@link #write(int, Supplier)}.
   */
  CompletableFuture<AsyncResultSet> execute(Statement<?> statement) {
    Task task = new Task(statement);
    waiting.add(task);
    drain();
    return task.done;
  }

  private CompletableFuture<Void> run(List<Statement<?>> statements) {
    CompletableFuture<?>[] parts = new CompletableFuture<?>[statements.size()];
    for (int i = 0; i < parts.length; i++) {
      Task task = new Task(statements.get(i));
      parts[i] = task.done;
      waiting.add(task);
    }
    drain();
    return CompletableFuture.allOf(parts);
  }

  int pending() {
    return pending.get();
  }

  private void drain() {
    // A statement that fails at once completes on this thread; its callback must not recurse here.
    if (draining.get()) return;
    draining.set(true);
    try {
      drainLoop();
    } finally {
      draining.set(false);
    }
  }

  private void drainLoop() {
    while (!waiting.isEmpty() && inFlight.tryAcquire()) {
      Task task = waiting.poll();
      if (task == null) {
        inFlight.release();
        continue;
      }
      session.executeAsync(task.statement).whenComplete((rs, error) -> {
        inFlight.release();
        if (error != null) task.done.completeExceptionally(retryable(error));
        else task.done.complete(rs);
        drain();
      });
    }
  }

  /**
   * A write Cassandra could not complete now (a timeout, too few replicas, every node busy or
   * down) becomes {@link StorageOverloadedException}, so the client is told to retry later (503
   * with Retry-After) rather than shown a server error; nothing of it was acknowledged.
   */
  private static Throwable retryable(Throwable error) {
    boolean transientFailure = error instanceof DriverTimeoutException
        || error instanceof AllNodesFailedException
        || error instanceof QueryExecutionException
        || error instanceof OverloadedException
        || error instanceof BootstrappingException;
    if (!transientFailure) return error;
    StorageOverloadedException retry = new StorageOverloadedException(
        "Cassandra did not store the write in time (" + error.getClass().getSimpleName() + "); retry later");
    retry.initCause(error);
    return retry;
  }

  private static final class Task {
    final Statement<?> statement;
    final CompletableFuture<AsyncResultSet> done = new CompletableFuture<>();

    Task(Statement<?> statement) {
      this.statement = statement;
    }
  }
}

