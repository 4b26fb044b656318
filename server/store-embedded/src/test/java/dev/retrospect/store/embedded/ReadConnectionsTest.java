package dev.retrospect.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pool of read connections on real SQLite: a failed read must not break the reads after it. */
class ReadConnectionsTest {
  @TempDir Path dir;

  @Test
  void aStatementTheDriverClosedOnAnErrorIsPreparedAgainForTheNextRead() throws SQLException {
    String url = "jdbc:sqlite:" + dir.resolve("t.db");
    try (Connection writer = DriverManager.getConnection(url);
        Statement s = writer.createStatement()) {
      s.execute("CREATE TABLE t (v INTEGER)");
      s.execute("INSERT INTO t VALUES (42)");
    }
    Connection readOnly = DriverManager.getConnection(url);
    try (Statement s = readOnly.createStatement()) {
      s.execute("PRAGMA query_only = 1");
    }
    try (ReadConnections readers = new ReadConnections(List.of(readOnly))) {
      // SQLITE_READONLY is one of the errors after which the driver closes the statement; a disk
      // error or an interrupted read would do the same.
      for (int attempt = 0; attempt < 3; attempt++) {
        assertThatThrownBy(() -> readers.read(r -> r.prepare("INSERT INTO t VALUES (1)").executeUpdate()))
            .hasMessageContaining("read failed").hasMessageContaining("readonly");
      }
      int value = readers.read(r -> {
        try (ResultSet rs = r.prepare("SELECT v FROM t").executeQuery()) {
          rs.next();
          return rs.getInt(1);
        }
      });
      assertThat(value).isEqualTo(42);
    }
  }
}
