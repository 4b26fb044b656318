package dev.retrospect.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Checks, before the store opens, that the three ports can be listened on. Opening the store and
 * starting the other listeners first took 5–11 s on a loaded machine before a taken port was
 * reported; this says it at once, with the setting that moves it. (A port taken between this check
 * and the listener's start is still reported by the start itself.)
 */
final class FreePorts {
  private FreePorts() {}

  /** Throws naming the address, the port and the setting to change when one cannot be bound. */
  static void check(ServerConfig config) {
    check(config.uiBindAddress(), config.httpPort(), ServerConfig.Setting.HTTP_PORT);
    check(config.bindAddress(), config.otlpHttpPort(), ServerConfig.Setting.OTLP_HTTP_PORT);
    check(config.bindAddress(), config.otlpGrpcPort(), ServerConfig.Setting.OTLP_GRPC_PORT);
  }

  private static void check(InetAddress address, int port, ServerConfig.Setting setting) {
    if (port == 0) return; // any free port
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true); // as the listener does: a port left in TIME_WAIT is free
      socket.bind(new InetSocketAddress(address, port));
    } catch (IOException e) {
      throw new IllegalStateException("cannot listen on " + address.getHostAddress() + ":" + port + " (" + e.getMessage()
          + "): another program, perhaps another Retrospect, has it; choose another port with " + setting.flag()
          + "=<port> or " + setting.env + " (see --help)");
    }
  }
}
