package dev.retrospect.bench;

/**
 * A running Cassandra node both servers write to. Each server gets its own new keyspace per run,
 * so counts are never polluted by an earlier run.
 */
public record CassandraNode(String contactPoint, String localDc, String runTag) {

  public String keyspace(String owner) {
    return "bench_" + owner + "_" + runTag;
  }
}
