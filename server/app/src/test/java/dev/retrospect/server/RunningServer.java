package dev.retrospect.server;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Base of test classes that share one real server (embedded store in a temporary directory). */
abstract class RunningServer {
  @TempDir static Path dataDir;
  static TestServer server;

  @BeforeAll
  static void startServer() {
    server = new TestServer(dataDir);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }
}
