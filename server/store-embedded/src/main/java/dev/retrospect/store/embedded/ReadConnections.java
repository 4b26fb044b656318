package dev.retrospect.store.embedded;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A fixed pool of read-only connections. WAL lets them read while the writer writes; each keeps
 * its prepared statements, so a query is compiled once per connection.
 */
final class ReadConnections implements AutoCloseable {

  /** One borrowed connection with its statement cache. */
  static final class Reader {
    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    Reader(Connection connection) {
      this.connection = connection;
    }

    PreparedStatement prepare(String sql) throws SQLException {
      PreparedStatement p = statements.get(sql);
      if (p == null) {
        p = connection.prepareStatement(sql);
        statements.put(sql, p);
      }
      return p;
    }

    /**
     * After a failed read: the driver closes a statement that failed with most errors (all but
     * busy, locked, misuse and constraint), and a closed statement left in the cache would fail
     * every later query of its kind on this connection. They are prepared again as needed.
     */
    void forgetStatements() {
      for (PreparedStatement p : statements.values()) {
        try {
          p.close();
        } catch (SQLException ignored) {
          // Already closed by the driver, which is why it is being forgotten.
        }
      }
      statements.clear();
    }

    void close() throws SQLException {
      for (PreparedStatement p : statements.values()) p.close();
      connection.close();
    }
  }

  /** A read that may throw SQLException. */
  interface Read<T> {
    T run(Reader reader) throws SQLException;
  }

  private final BlockingQueue<Reader> idle;
  private final List<Reader> all = new ArrayList<>();

  ReadConnections(List<Connection> connections) {
    idle = new ArrayBlockingQueue<>(connections.size());
    for (Connection c : connections) {
      Reader r = new Reader(c);
      all.add(r);
      idle.add(r);
    }
  }

  <T> T read(Read<T> read) {
    Reader reader;
    try {
      reader = idle.poll(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a read connection", e);
    }
    if (reader == null) throw new IllegalStateException("no read connection free for 30 s");
    try {
      return read.run(reader);
    } catch (SQLException e) {
      reader.forgetStatements();
      throw new IllegalStateException("read failed: " + e.getMessage(), e);
    } finally {
      idle.add(reader);
    }
  }

  @Override
  public void close() throws SQLException {
    for (Reader r : all) r.close();
  }
}
