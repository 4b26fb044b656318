package dev.retrospect.bench;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A target that is a runnable jar started on a free loopback port as a child process. */
abstract class JarTarget implements BenchTarget {
  protected final Path jar;
  protected final List<String> jvmArgs;
  protected final Path workDir;
  /** null when the target keeps its data itself (embedded store, Zipkin's memory). */
  protected final CassandraNode cassandra;
  protected final HttpJson http = new HttpJson();
  private ServerProcess process;

  JarTarget(Path jar, List<String> jvmArgs, Path workDir, CassandraNode cassandra) {
    this.jar = jar;
    this.jvmArgs = jvmArgs;
    this.workDir = workDir;
    this.cassandra = cassandra;
  }

  /** Starts the jar with this environment; its log goes to {@code <work dir>/<logName>}. */
  protected void startJar(Map<String, String> environment, String logName, URI health) {
    List<String> args = new java.util.ArrayList<>(jvmArgs);
    args.addAll(launch());
    process = ServerProcess.start(name(), args, environment, workDir.resolve(logName));
    process.awaitHealthy(health, Duration.ofMinutes(3));
  }

  /** What follows the JVM options on the command line: {@code -jar <jar>} unless a target needs more. */
  protected List<String> launch() {
    return List.of("-jar", jar.toString());
  }

  @Override
  public void queryTimeout(Duration timeout) {
    http.timeout(timeout);
  }

  /** Where the server keeps its spans on Cassandra. */
  protected abstract StoredCounter.SpanTable spanTable();

  @Override
  public StoredCounter storedCounter() {
    return cassandra == null ? StoredCounter.throughServer(this) : StoredCounter.onNode(cassandra, spanTable());
  }

  @Override
  public ServerProcess process() {
    return process;
  }

  @Override
  public void close() {
    if (process != null) process.close();
  }
}
