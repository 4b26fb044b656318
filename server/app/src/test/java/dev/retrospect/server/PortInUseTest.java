package dev.retrospect.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A taken port stops the start at once, in one line naming the port and the setting to change. */
class PortInUseTest {
  @TempDir Path dataDir;

  @Test
  void aTakenPortStopsTheStartBeforeTheStoreIsOpenedAndNamesTheSettingThatMovesIt() throws Exception {
    for (String flag : List.of("--http-port", "--otlp-http-port", "--otlp-grpc-port")) {
      try (ServerSocket taken = new ServerSocket()) {
        taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        int port = taken.getLocalPort();
        List<String> command = new java.util.ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
            "-cp", System.getProperty("java.class.path"), RetrospectServer.class.getName(),
            "--data-dir=" + dataDir, "--http-port=0", "--otlp-http-port=0", "--otlp-grpc-port=0"));
        command.add(flag + "=" + port); // the last flag wins

        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the server exits").isTrue();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(child.exitValue()).as(output).isEqualTo(1);
        assertThat(output).contains("cannot start: cannot listen on 127.0.0.1:" + port)
            .contains(flag + "=<port>").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(output.strip().lines()).as("one line").hasSize(1);
        assertThat(dataDir.resolve("retrospect.db")).as("the store was not opened").doesNotExist();
      }
    }
  }
}
