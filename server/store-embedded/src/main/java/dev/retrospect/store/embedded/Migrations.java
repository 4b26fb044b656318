package dev.retrospect.store.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies the versioned schema files {@code db/migration/V<n>__<what>.sql} (listed in order in
 * {@code db/migration/index.txt}) that the database has not seen yet, each in its own transaction,
 * and records them in {@code schema_version}.
 */
final class Migrations {
  private static final String DIRECTORY = "db/migration/";
  private static final Pattern NAME = Pattern.compile("V(\\d+)__(\\w+)\\.sql");

  private Migrations() {}

  /**
   * Returns the versions applied now (empty when the schema was already current). Refuses a
   * database whose schema is newer than this code knows; {@code database} names it in that message.
   */
  static List<Integer> apply(Connection connection, Path database) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.executeUpdate(
          "CREATE TABLE IF NOT EXISTS schema_version ("
              + "version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_us INTEGER NOT NULL)");
    }
    int current = currentVersion(connection);
    List<Matcher> files = new ArrayList<>();
    for (String file : read("index.txt").split("\\R")) {
      if (file.isBlank()) continue;
      Matcher m = NAME.matcher(file.trim());
      if (!m.matches()) throw new IllegalStateException("migration file name not V<n>__<what>.sql: " + file);
      files.add(m);
    }
    int known = files.isEmpty() ? 0 : Integer.parseInt(files.get(files.size() - 1).group(1));
    // A newer server may have changed what rows mean; reading or writing them here could lose data.
    if (current > known) {
      throw new IllegalStateException("the database " + database + " was written by a newer Retrospect (schema version "
          + current + ", this one knows up to " + known + "): run that version or a later one on it, or use another data directory");
    }
    List<Integer> applied = new ArrayList<>();
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try {
      for (Matcher m : files) {
        int version = Integer.parseInt(m.group(1));
        if (version <= current) continue;
        try (Statement s = connection.createStatement()) {
          for (String sql : statements(read(m.group()))) s.executeUpdate(sql);
        }
        try (PreparedStatement p =
            connection.prepareStatement("INSERT INTO schema_version VALUES (?, ?, ?)")) {
          p.setInt(1, version);
          p.setString(2, m.group(2));
          p.setLong(3, System.currentTimeMillis() * 1000);
          p.executeUpdate();
        }
        connection.commit();
        applied.add(version);
      }
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
    return applied;
  }

  private static int currentVersion(Connection connection) throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet r = s.executeQuery("SELECT coalesce(max(version), 0) FROM schema_version")) {
      return r.next() ? r.getInt(1) : 0;
    }
  }

  /** Splits a file on semicolons that end a line; comment lines are dropped. */
  private static List<String> statements(String text) {
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : text.split("\\R")) {
      if (line.trim().startsWith("--")) continue;
      current.append(line).append('\n');
      if (line.trim().endsWith(";")) {
        statements.add(current.toString().trim());
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) statements.add(current.toString().trim());
    return statements;
  }

  private static String read(String name) {
    try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(DIRECTORY + name)) {
      if (in == null) throw new IllegalStateException("missing migration resource " + DIRECTORY + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
