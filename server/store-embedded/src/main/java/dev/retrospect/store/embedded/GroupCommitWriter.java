package dev.retrospect.store.embedded;

import dev.retrospect.core.StorageOverloadedException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.sqlite.core.DB;

/**
 * The one thread that writes to SQLite, with group commit. Callers enqueue writes; the writer
 * thread takes everything waiting, applies it in one transaction and commits. A second thread then
 * fsyncs the WAL file once for every group committed meanwhile and only then completes the writes'
 * futures: the writer is already inserting the next group while the disk syncs the last one (see
 * RATIONALE.md, "Durability").
 *
 * <p>Admission is bounded in items (spans, replay batches) accepted but not yet durable: a write
 * that would exceed the capacity is refused at once and nothing of it is queued.
 *
 * <p>A full disk is a state, not one write's fault: while transactions fail with SQLITE_FULL every
 * write fails with {@link StorageOverloadedException} (clients retry later instead of dropping
 * their spans, as they would on a 500), the store reports itself unhealthy, and the log says so
 * once, not once per request. The state ends with the first transaction that changes a row and
 * commits; while no write arrives and the file system has {@link #PROBE_FREE_BYTES} free, the
 * writer makes one itself every second ({@link WriteTransaction#probeRoom}), so that an idle
 * server's health recovers too once there is room.
 */
final class GroupCommitWriter implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(GroupCommitWriter.class.getName());
  private static final long PROBE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
  /**
   * The free space a probe needs before it tries: a small write can fit in the WAL's old frames
   * while a client's batch still cannot, and the store would say healthy and full by turns. 64 MB
   * is as far as the WAL grows before it starts over (see SqliteStorage).
   */
  static final long PROBE_FREE_BYTES = 64L << 20;

  /** One write: its items count against the capacity; its step runs inside the writer's transaction. */
  record Write(int items, Step step) {
    void apply(WriteTransaction tx) throws SQLException {
      step.run(tx);
    }
  }

  /** What a write does to the store. */
  interface Step {
    void run(WriteTransaction tx) throws SQLException;
  }

  private record Queued(Write write, CompletableFuture<Void> done) {}

  private final Connection connection;
  private final DB database;
  private final WriteTransaction tx;
  private final Path databaseFile;
  private final FileChannel wal;
  private final int capacity;
  private final AtomicInteger pending = new AtomicInteger();
  private final LinkedBlockingQueue<Queued> queue = new LinkedBlockingQueue<>();
  private final LinkedBlockingQueue<Queued> committed = new LinkedBlockingQueue<>();
  private final Thread writer;
  private final Thread syncer;
  private volatile boolean closing;
  private volatile boolean writerDone;
  /** Why writes fail while the disk is full; null otherwise. */
  private volatile String diskFull;
  private long lastProbeNanos;

  /**
   * @param databaseFile the database; the connection must already be in WAL mode with {@code
   *     synchronous = NORMAL}, so that commits write its WAL ({@code <file>-wal}) and this class
   *     syncs it
   */
  GroupCommitWriter(Connection connection, WriteTransaction tx, Path databaseFile, int capacity)
      throws IOException, SQLException {
    this.connection = connection;
    this.database = connection.unwrap(SQLiteConnection.class).getDatabase();
    this.tx = tx;
    this.databaseFile = databaseFile;
    this.wal = FileChannel.open(Path.of(databaseFile + "-wal"), StandardOpenOption.WRITE, StandardOpenOption.CREATE);
    this.capacity = capacity;
    this.writer = new Thread(this::write, "retrospect-sqlite-writer");
    this.syncer = new Thread(this::sync, "retrospect-sqlite-wal-sync");
    writer.setDaemon(true);
    syncer.setDaemon(true);
    writer.start();
    syncer.start();
  }

  /**
   * Queues a write. A write larger than the whole capacity is still admitted when nothing waits,
   * so that one big request is slow rather than refused forever.
   */
  CompletableFuture<Void> submit(Write write) {
    if (closing) return closed();
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
    if (closing) return closed();
    pending.addAndGet(write.items());
    return enqueue(write);
  }

  private CompletableFuture<Void> enqueue(Write write) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    queue.add(new Queued(write, done));
    return done;
  }

  private static CompletableFuture<Void> closed() {
    return CompletableFuture.failedFuture(new IllegalStateException("storage is closed"));
  }

  /** Items accepted and not yet durable. */
  int pending() {
    return pending.get();
  }

  boolean isAlive() {
    return writer.isAlive() && syncer.isAlive();
  }

  /** Why writes are failing because the disk is full, or null when the last transaction committed. */
  String diskFull() {
    return diskFull;
  }

  private void write() {
    List<Queued> group = new ArrayList<>();
    try {
      while (true) {
        Queued first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (closing && queue.isEmpty()) return;
          probeRoomWhileFull();
          continue;
        }
        group.add(first);
        queue.drainTo(group);
        commit(group);
        group.clear();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      writerDone = true;
    }
  }

  /**
   * One transaction for the whole group; when it fails, each write alone, so that one bad write
   * fails alone. Committed writes go to the syncer, failed ones complete here.
   */
  private void commit(List<Queued> group) {
    try {
      boolean wrote = transaction(group.stream().map(Queued::write).toList());
      committed.addAll(group);
      if (wrote) diskHasRoom();
    } catch (SQLException | RuntimeException groupFailure) {
      if (isDiskFull(groupFailure)) {
        failAll(group);
        return;
      }
      for (Queued q : group) {
        try {
          boolean wrote = transaction(List.of(q.write()));
          committed.add(q);
          if (wrote) diskHasRoom();
        } catch (SQLException | RuntimeException e) {
          if (isDiskFull(e)) {
            failAll(List.of(q));
            continue;
          }
          LOG.log(Level.WARNING, "SQLite write failed", e);
          finish(q, e);
        }
      }
    }
  }

  private static boolean isDiskFull(Exception e) {
    return e instanceof SQLiteException sqlite && sqlite.getResultCode() == SQLiteErrorCode.SQLITE_FULL;
  }

  /** Fails these writes with an answer that tells the client to retry later. */
  private void failAll(List<Queued> writes) {
    if (diskFull == null) {
      diskFull = "the disk holding " + databaseFile + " is full: writes are refused until space is freed";
      LOG.severe(diskFull);
    }
    for (Queued q : writes) finish(q, new StorageOverloadedException(diskFull));
  }

  /** While the disk is full and no write comes, tries a write of its own now and then. */
  private void probeRoomWhileFull() {
    if (diskFull == null || System.nanoTime() - lastProbeNanos < PROBE_INTERVAL_NANOS) return;
    lastProbeNanos = System.nanoTime();
    if (usableBytes() < PROBE_FREE_BYTES) return;
    try {
      if (transaction(List.of(new Write(0, WriteTransaction::probeRoom)))) diskHasRoom();
    } catch (SQLException | RuntimeException e) {
      if (!isDiskFull(e)) LOG.log(Level.FINE, "write probe failed", e);
    }
  }

  private long usableBytes() {
    try {
      return Files.getFileStore(databaseFile).getUsableSpace();
    } catch (IOException e) {
      return Long.MAX_VALUE; // unknown: let the probe's own write decide
    }
  }

  private void diskHasRoom() {
    if (diskFull != null) {
      diskFull = null;
      LOG.info("the disk holding " + databaseFile + " has room again: writes succeed");
    }
  }

  /**
   * Applies the writes in one transaction and commits it.
   *
   * @return whether it changed a row: only then did the commit write to the disk, and prove that
   *     there was room (a purge that found nothing, or a test's pragma, proves nothing)
   */
  private boolean transaction(List<Write> writes) throws SQLException {
    long changesBefore = database.total_changes();
    try (Statement s = connection.createStatement()) {
      s.executeUpdate("BEGIN IMMEDIATE");
    }
    try {
      for (Write w : writes) w.apply(tx);
      try (Statement s = connection.createStatement()) {
        s.executeUpdate("COMMIT");
      }
      return database.total_changes() > changesBefore;
    } catch (SQLException | RuntimeException e) {
      try (Statement s = connection.createStatement()) {
        s.executeUpdate("ROLLBACK");
      } catch (SQLException ignored) {
        // The transaction may already be gone (SQLite rolls back by itself on some errors).
      }
      try {
        tx.afterRollback();
      } catch (SQLException again) {
        e.addSuppressed(again);
      }
      throw e;
    }
  }

  /** Makes committed groups durable: one fsync of the WAL covers every commit before it. */
  private void sync() {
    List<Queued> batch = new ArrayList<>();
    while (true) {
      try {
        Queued first = committed.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (writerDone && committed.isEmpty()) return;
          continue;
        }
        batch.add(first);
        committed.drainTo(batch);
        IOException failure = null;
        try {
          wal.force(false);
        } catch (IOException e) {
          LOG.log(Level.SEVERE, "fsync of the SQLite WAL failed", e);
          failure = e;
        }
        for (Queued q : batch) finish(q, failure);
        batch.clear();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void finish(Queued q, Exception failure) {
    pending.addAndGet(-q.write().items());
    if (failure == null) q.done().complete(null);
    else q.done().completeExceptionally(failure);
  }

  /** Stops taking writes, commits and syncs what is queued, and waits for both threads to end. */
  @Override
  public void close() {
    closing = true;
    try {
      writer.join();
      syncer.join();
      wal.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.log(Level.WARNING, "closing the WAL file", e);
    }
    // A write that raced with close() may have been queued after the writer's last look.
    for (Queued q; (q = queue.poll()) != null; ) finish(q, new IllegalStateException("storage is closed"));
  }
}
