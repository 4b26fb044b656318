package dev.retrospect.store.cassandra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real single Cassandra 5.0 node on loopback, started by {@code bin/cassandra} (which resolves
 * it from Maven Central, picks JDK 17 and waits until CQL answers) and stopped by pid when the JVM
 * exits. Set {@code RETROSPECT_TEST_CASSANDRA_PORT} to use a node that already runs instead.
 */
public final class CassandraNode {
  /** The first start on a fresh machine downloads cassandra-all; later ones take ~10–15 s. */
  private static final long START_TIMEOUT_MINUTES = 15;

  private final int port;

  private CassandraNode(int port) {
    this.port = port;
  }

  public int port() {
    return port;
  }

  /**
   * A store config for this node with a keyspace of its own (replication factor 1): the stem and a
   * unique suffix, so that a reused node never hands a test the schema of an earlier run.
   */
  public CassandraConfig config(String keyspaceStem) {
    return CassandraConfig.local(port, keyspaceStem + "_" + Long.toString(System.nanoTime(), 36));
  }

  static CassandraNode start() {
    String existing = System.getenv("RETROSPECT_TEST_CASSANDRA_PORT");
    if (existing != null && !existing.isBlank()) return new CassandraNode(Integer.parseInt(existing.trim()));
    Path script = repositoryRoot().resolve("bin/cassandra");
    try {
      Path dir = Files.createTempDirectory("retrospect-cassandra-");
      int port = freePort();
      List<String> command = List.of(script.toString(), "start", "--port", Integer.toString(port),
          "--storage-port", Integer.toString(freePort()), "--dir", dir.toString(),
          "--parent-pid", Long.toString(ProcessHandle.current().pid()));
      Path output = Files.createTempFile("retrospect-cassandra-start-", ".log");
      long started = System.nanoTime();
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(output.toFile()).start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(script, dir), "stop-cassandra"));
      boolean ended = process.waitFor(START_TIMEOUT_MINUTES, TimeUnit.MINUTES);
      String log = Files.readString(output, StandardCharsets.UTF_8);
      Files.deleteIfExists(output);
      if (!ended || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IllegalStateException("bin/cassandra could not start a node:\n" + log);
      }
      System.err.printf("Cassandra node on port %d ready after %.1f s (%s)%n",
          port, (System.nanoTime() - started) / 1e9, dir);
      return new CassandraNode(port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void stop(Path script, Path dir) {
    try {
      new ProcessBuilder(script.toString(), "stop", "--dir", dir.toString()).inheritIO().start()
          .waitFor(60, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static Path repositoryRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isExecutable(p.resolve("bin/cassandra"))) return p;
    }
    throw new IllegalStateException("bin/cassandra not found above " + Path.of("").toAbsolutePath());
  }
}
