package dev.retrospect.server;

import dev.retrospect.core.Storage;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deletes data older than the retention period, a minute after start and then every hour. */
final class RetentionPurge implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RetentionPurge.class);

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "retrospect-retention");
    t.setDaemon(true);
    return t;
  });

  private final Storage storage;
  private final Duration retention;
  private final Clock clock;

  RetentionPurge(Storage storage, Duration retention, Clock clock) {
    this.storage = storage;
    this.retention = retention;
    this.clock = clock;
    scheduler.scheduleWithFixedDelay(() -> {
      try {
        purgeNow();
      } catch (RuntimeException e) {
        log.warn("retention purge failed; will retry in an hour", e);
      }
    }, 1, 60, TimeUnit.MINUTES);
  }

  /**
   * Deletes everything older than the retention period as of the clock's now and gives the space
   * back to the file system; returns how many spans were deleted.
   */
  long purgeNow() {
    long cutoffMicros = (clock.millis() - retention.toMillis()) * 1000;
    long deleted = storage.purgeBefore(cutoffMicros);
    if (deleted > 0) log.info("retention: deleted {} spans older than {} days", deleted, retention.toDays());
    return deleted;
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
