package dev.retrospect.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;

/**
 * Counts the spans of a trace that a server really stored. On Cassandra it reads the server's
 * span table straight from the node with CQL (one partition, no index, no server involved): a
 * server that is busy, or stuck collecting garbage, cannot slow the count or hide what reached
 * the node. Without Cassandra it fetches the trace by id through the server.
 */
interface StoredCounter extends AutoCloseable {

  /** How many distinct spans of the trace are stored. */
  int spans(String traceId);

  /** Where the count comes from, for the report. */
  String source();

  @Override
  void close();

  /** The table a server keeps its spans in: one partition per trace. */
  record SpanTable(String keyspace, String table, String traceIdColumn, String spanIdColumn) {}

  static StoredCounter onNode(CassandraNode node, SpanTable table) {
    String[] hostPort = node.contactPoint().split(":");
    CqlSession session = CqlSession.builder()
        .addContactPoint(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])))
        .withLocalDatacenter(node.localDc())
        .build();
    PreparedStatement select = session.prepare("SELECT " + table.spanIdColumn() + " FROM "
        + table.keyspace() + "." + table.table() + " WHERE " + table.traceIdColumn() + " = ?");
    return new StoredCounter() {
      @Override
      public int spans(String traceId) {
        Set<String> ids = new HashSet<>();
        for (Row row : session.execute(select.bind(traceId))) ids.add(row.getString(0));
        return ids.size();
      }

      @Override
      public String source() {
        return "CQL on the node, " + table.keyspace() + "." + table.table();
      }

      @Override
      public void close() {
        session.close();
      }
    };
  }

  static StoredCounter throughServer(BenchTarget target) {
    return new StoredCounter() {
      @Override
      public int spans(String traceId) {
        return target.traceSpans(traceId);
      }

      @Override
      public String source() {
        return "the server's trace-by-id endpoint";
      }

      @Override
      public void close() {}
    };
  }
}
