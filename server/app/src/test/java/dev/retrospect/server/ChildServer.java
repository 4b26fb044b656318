package dev.retrospect.server;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server in its own JVM (its own heap, killable), started from the test's classpath on
 * ephemeral ports; everything it prints is kept.
 */
final class ChildServer implements AutoCloseable {
  private static final Pattern OTLP_PORT = Pattern.compile("OTLP/HTTP\\s+http://[^:]+:(\\d+)/");
  private static final Pattern UI_PORT = Pattern.compile("UI and query API\\s+http://[^:]+:(\\d+)/");

  final Process process;
  final int otlpPort;
  final int uiPort;
  private final StringBuffer output;

  private ChildServer(Process process, int otlpPort, int uiPort, StringBuffer output) {
    this.process = process;
    this.otlpPort = otlpPort;
    this.uiPort = uiPort;
    this.output = output;
  }

  /** Starts the server with {@code -Xmx<maxHeap>} on this data directory, with these flags. */
  static ChildServer start(Path dataDir, String maxHeap, String... flags) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx" + maxHeap, "-cp", System.getProperty("java.class.path"),
        RetrospectServer.class.getName(), "--data-dir=" + dataDir, "--http-port=0", "--otlp-http-port=0", "--otlp-grpc-port=0"));
    command.addAll(List.of(flags));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
    StringBuffer output = new StringBuffer();
    int otlp = -1;
    int ui = -1;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while ((otlp < 0 || ui < 0) && System.nanoTime() < deadline) {
      String line = out.readLine();
      if (line == null) break;
      output.append(line).append('\n');
      Matcher m = OTLP_PORT.matcher(line);
      if (m.find()) otlp = Integer.parseInt(m.group(1));
      m = UI_PORT.matcher(line);
      if (m.find()) ui = Integer.parseInt(m.group(1));
    }
    if (otlp < 0 || ui < 0) {
      p.destroyForcibly();
      throw new IllegalStateException("the server did not start:\n" + output);
    }
    // Keep draining its output so that it never blocks on a full pipe.
    Thread drain = new Thread(() -> out.lines().forEach(l -> output.append(l).append('\n')));
    drain.setDaemon(true);
    drain.start();
    return new ChildServer(p, otlp, ui, output);
  }

  /** Everything the server printed so far. */
  String output() {
    return output.toString();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
