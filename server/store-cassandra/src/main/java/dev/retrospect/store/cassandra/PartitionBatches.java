package dev.retrospect.store.cassandra;

import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups the rows of one write by partition: rows of the same partition go to Cassandra as one
 * unlogged batch, which the coordinator applies as a single mutation on the partition's replicas
 * (the driver routes it there, token-aware). Rows of different partitions never share a batch: a
 * multi-partition batch makes one coordinator wait for many replica sets and hides the load.
 */
final class PartitionBatches {
  /** Bounds of one batch, far below Cassandra's mutation size limit (half a commit log segment). */
  private static final int MAX_ROWS = 100;
  private static final int MAX_BYTES = 1 << 20;

  private final Map<String, List<BoundStatement>> byPartition = new LinkedHashMap<>();
  private final Map<String, Integer> bytes = new LinkedHashMap<>();
  private final List<Statement<?>> done = new ArrayList<>();

  /** Adds a row; {@code partition} names its table and partition key, {@code size} its rough byte size. */
  void add(String partition, BoundStatement row, int size) {
    List<BoundStatement> rows = byPartition.computeIfAbsent(partition, p -> new ArrayList<>());
    int total = bytes.merge(partition, size, Integer::sum);
    rows.add(row);
    if (rows.size() == MAX_ROWS || total >= MAX_BYTES) {
      done.add(toStatement(rows));
      byPartition.remove(partition);
      bytes.remove(partition);
    }
  }

  /** One statement per partition (or per full batch of one partition). */
  List<Statement<?>> statements() {
    List<Statement<?>> statements = new ArrayList<>(done);
    for (List<BoundStatement> rows : byPartition.values()) statements.add(toStatement(rows));
    return statements;
  }

  private static Statement<?> toStatement(List<BoundStatement> rows) {
    if (rows.size() == 1) return rows.get(0);
    BatchStatementBuilder batch = BatchStatement.builder(BatchType.UNLOGGED).setIdempotence(true);
    for (BoundStatement row : rows) batch.addStatement(row);
    return batch.build();
  }
}
