package dev.retrospect.store.embedded;

import dev.retrospect.core.StorageOverloadedException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one thread that writes to SQLite. Callers enqueue writes; the thread takes everything
 * waiting, applies it in one transaction, commits (one fsync for all of it) and only then completes
 * the writes' futures. Admission is bounded in items (spans, replay batches): a write that would
 * exceed the capacity is refused at once and nothing of it is queued.
 */
final class GroupCommitWriter implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(GroupCommitWriter.class.getName());

  /** One write: its items count against the capacity; apply runs inside the writer's transaction. */
  interface Write {
    int items();

    void apply(WriteTransaction tx) throws SQLException;
  }

  private record Queued(Write write, CompletableFuture<Void> done) {}

  private final Connection connection;
  private final WriteTransaction tx;
  private final int capacity;
  private final AtomicInteger pending = new AtomicInteger();
  private final LinkedBlockingQueue<Queued> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean closing;

  GroupCommitWriter(Connection connection, WriteTransaction tx, int capacity) {
    this.connection = connection;
    this.tx = tx;
    this.capacity = capacity;
    this.thread = new Thread(this::run, "retrospect-sqlite-writer");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Queues a write. A write larger than the whole capacity is still admitted when the queue is
   * empty, so that one big request is slow rather than refused forever.
   */
  CompletableFuture<Void> submit(Write write) {
    if (closing) return CompletableFuture.failedFuture(new IllegalStateException("storage is closed"));
    int items = write.items();
    while (true) {
      int now = pending.get();
      if (now > 0 && now + items > capacity) {
        return CompletableFuture.failedFuture(
            new StorageOverloadedException(
                "write queue full: " + now + " items waiting, capacity " + capacity));
      }
      if (pending.compareAndSet(now, now + items)) break;
    }
    return enqueue(write);
  }

  /**
   * Queues maintenance (retention purge) past the capacity check: it must run even while ingest
   * keeps the queue full, and it is one small item.
   */
  CompletableFuture<Void> submitMaintenance(Write write) {
    if (closing) return CompletableFuture.failedFuture(new IllegalStateException("storage is closed"));
    pending.addAndGet(write.items());
    return enqueue(write);
  }

  private CompletableFuture<Void> enqueue(Write write) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    queue.add(new Queued(write, done));
    return done;
  }

  /** Items accepted and not yet committed. */
  int pending() {
    return pending.get();
  }

  boolean isAlive() {
    return thread.isAlive();
  }

  private void run() {
    List<Queued> group = new ArrayList<>();
    while (true) {
      try {
        Queued first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (closing && queue.isEmpty()) return;
          continue;
        }
        group.add(first);
        queue.drainTo(group);
        commit(group);
      } catch (InterruptedException e) {
        if (closing) return;
      } catch (RuntimeException e) {
        LOG.log(Level.SEVERE, "SQLite writer failed a group", e);
        group.forEach(q -> q.done().completeExceptionally(e));
      } finally {
        for (Queued q : group) pending.addAndGet(-q.write().items());
        group.clear();
      }
    }
  }

  /** One transaction for the whole group; when it fails, each write alone, so one bad write fails alone. */
  private void commit(List<Queued> group) {
    try {
      transaction(group.stream().map(Queued::write).toList());
      group.forEach(q -> q.done().complete(null));
    } catch (SQLException groupFailure) {
      for (Queued q : group) {
        try {
          transaction(List.of(q.write()));
          q.done().complete(null);
        } catch (SQLException | RuntimeException e) {
          q.done().completeExceptionally(e);
        }
      }
    }
  }

  private void transaction(List<Write> writes) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.executeUpdate("BEGIN IMMEDIATE");
    }
    try {
      for (Write w : writes) w.apply(tx);
      try (Statement s = connection.createStatement()) {
        s.executeUpdate("COMMIT");
      }
    } catch (SQLException | RuntimeException e) {
      try (Statement s = connection.createStatement()) {
        s.executeUpdate("ROLLBACK");
      } catch (SQLException ignored) {
        // The transaction may already be gone (SQLite rolls back by itself on some errors).
      }
      tx.forgetUncommitted();
      throw e;
    }
  }

  /** Stops taking writes, commits what is queued, and waits for the thread to end. */
  @Override
  public void close() {
    closing = true;
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // A write that raced with close() may have been queued after the thread's last look.
    for (Queued q; (q = queue.poll()) != null; ) {
      q.done().completeExceptionally(new IllegalStateException("storage is closed"));
    }
  }
}
