package dev.retrospect.store.embedded;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Copies the WAL back into the database file on its own thread and connection, so that the writer
 * never pays for it inside a commit (its automatic checkpoint is off). Passive checkpoints run
 * often and never block anyone; when the WAL has grown past a limit anyway (the writer never
 * paused long enough for it to be reset), one RESTART checkpoint briefly holds the writer back so
 * that the WAL starts over from its beginning.
 */
final class WalCheckpointer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(WalCheckpointer.class.getName());
  private static final long INTERVAL_MILLIS = 200;
  /** 16,384 pages of 4 KB: 64 MB. */
  private static final int RESTART_FRAMES = 16_384;

  private final Connection connection;
  private final Thread thread;
  private volatile boolean closing;

  WalCheckpointer(Connection connection) {
    this.connection = connection;
    this.thread = new Thread(this::run, "retrospect-sqlite-checkpoint");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    // A checkpoint that fails (a full disk) fails again every 200 ms: the log says it once, and
    // again only when the reason changes or it succeeds again.
    String failing = null;
    while (!closing) {
      try {
        Thread.sleep(INTERVAL_MILLIS);
        if (checkpoint("PASSIVE") > RESTART_FRAMES) checkpoint("RESTART");
        if (failing != null) LOG.info("WAL checkpoint succeeds again");
        failing = null;
      } catch (InterruptedException e) {
        return;
      } catch (SQLException e) {
        if (!String.valueOf(e.getMessage()).equals(failing)) {
          LOG.log(Level.WARNING, "WAL checkpoint failed; retrying every " + INTERVAL_MILLIS + " ms", e);
        }
        failing = String.valueOf(e.getMessage());
      }
    }
  }

  /** Runs a checkpoint; returns the number of frames in the WAL. */
  private int checkpoint(String mode) throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet r = s.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
      return r.next() ? r.getInt(2) : 0;
    }
  }

  @Override
  public void close() {
    closing = true;
    thread.interrupt();
    try {
      thread.join();
      connection.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (SQLException e) {
      LOG.log(Level.WARNING, "closing the checkpoint connection", e);
    }
  }
}
