package dev.retrospect.server;

import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.grpc.GrpcService;
import dev.retrospect.core.Storage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.retrospect.server.api.QueryApi;
import dev.retrospect.server.ingest.BodyLimits;
import dev.retrospect.server.ingest.OtlpGrpcService;
import dev.retrospect.server.ingest.OtlpHttpService;
import dev.retrospect.server.ingest.ReplayService;
import dev.retrospect.server.ingest.SpanIngest;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Retrospect server: three listeners on one store. {@code :3200} UI, query API, health,
 * metrics and browser ingest; {@code :4318} OTLP/HTTP; {@code :4317} OTLP/gRPC.
 */
public final class RetrospectServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RetrospectServer.class);

  /** Ingest of a large batch (decode + durable write) may take longer than Armeria's 10 s default. */
  private static final Duration INGEST_TIMEOUT = Duration.ofSeconds(60);

  private final Storage storage;
  private final Server ui;
  private final Server otlpHttp;
  private final Server otlpGrpc;
  private final RetentionPurge retention;

  private RetrospectServer(ServerConfig config, Storage storage) {
    this.storage = storage;
    IngestMetrics metrics = new IngestMetrics(storage::pendingWrites);
    SpanIngest ingest = new SpanIngest(storage, metrics);
    BodyLimits limits = new BodyLimits(config.maxRequestBytes(), config.maxDecompressedBytes());
    OtlpHttpService otlp = new OtlpHttpService(ingest, metrics, limits);
    ReplayService replay = new ReplayService(storage, metrics, limits);

    ServerBuilder uiBuilder = listener(config, config.httpPort());
    new QueryApi(storage, metrics, config.maxDecompressedBytes()).addTo(uiBuilder);
    var browserIngest = IngestOrigins.decorator(config.corsOrigins());
    uiBuilder.service("/v1/traces", otlp.decorate(browserIngest));
    uiBuilder.service("/v1/replay", replay.decorate(browserIngest));
    uiBuilder.serviceUnder("/", StaticUi.service());
    ui = uiBuilder.build();

    otlpHttp = listener(config, config.otlpHttpPort()).service("/v1/traces", otlp).build();

    otlpGrpc = listener(config, config.otlpGrpcPort())
        .service(GrpcService.builder()
            .addService(new OtlpGrpcService(ingest, metrics))
            .maxRequestMessageLength((int) Math.min(Integer.MAX_VALUE, config.maxDecompressedBytes()))
            .useBlockingTaskExecutor(true)
            .build())
        .build();
    retention = new RetentionPurge(storage, Duration.ofDays(config.retentionDays()), Clock.systemUTC());
  }

  private static ServerBuilder listener(ServerConfig config, int port) {
    return Server.builder()
        .http(new InetSocketAddress(config.bindAddress(), port))
        // Each listener registers the shared executors' meters; one registry each avoids clashes.
        .meterRegistry(new SimpleMeterRegistry())
        .maxRequestLength(config.maxRequestBytes())
        .errorHandler(new JsonErrors(config.maxRequestBytes()))
        .requestTimeout(INGEST_TIMEOUT)
        .gracefulShutdownTimeout(Duration.ofMillis(200), Duration.ofSeconds(5));
  }

  /** Starts the three listeners on this store; the server owns the store from now on. */
  public static RetrospectServer start(ServerConfig config, Storage storage) {
    RetrospectServer server = new RetrospectServer(config, storage);
    try {
      for (Server s : server.servers()) {
        try {
          s.start().join();
        } catch (RuntimeException e) {
          Throwable root = e;
          while (root.getCause() != null) root = root.getCause();
          int port = s.config().ports().get(0).localAddress().getPort();
          throw new IllegalStateException("cannot listen on " + config.bindAddress().getHostAddress() + ":" + port
              + " (" + root.getMessage() + "); choose another port with the flags in README.md", e);
        }
      }
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  public int httpPort() {
    return ui.activeLocalPort();
  }

  public int otlpHttpPort() {
    return otlpHttp.activeLocalPort();
  }

  public int otlpGrpcPort() {
    return otlpGrpc.activeLocalPort();
  }

  private List<Server> servers() {
    return List.of(otlpGrpc, otlpHttp, ui);
  }

  /** Stops accepting requests, lets those in flight finish, then closes the store. */
  @Override
  public void close() {
    retention.close();
    try {
      CompletableFuture.allOf(servers().stream().map(Server::stop).toArray(CompletableFuture[]::new)).join();
    } catch (RuntimeException e) {
      log.warn("stopping the listeners failed", e);
    }
    storage.close();
  }

  public static void main(String[] args) {
    ServerConfig config;
    RetrospectServer server;
    try {
      config = ServerConfig.from(System.getenv(), args);
      server = start(config, StorageFactory.open(config));
    } catch (ServerConfig.ConfigException e) {
      System.err.println("retrospect: " + e.getMessage());
      System.exit(2);
      return;
    } catch (RuntimeException e) {
      // A port in use, a data directory that cannot be written: say it in one line, not a stack.
      System.err.println("retrospect: cannot start: " + e.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "retrospect-shutdown"));
    String host = config.bindAddress().getHostAddress();
    System.out.printf(
        "Retrospect is running (%s store%s)%n"
            + "  UI and query API  http://%s:%d/%n"
            + "  OTLP/HTTP         http://%s:%d/v1/traces%n"
            + "  OTLP/gRPC         %s:%d%n",
        config.storage(), config.storage().equals("embedded") ? " in " + config.dataDir().toAbsolutePath().normalize() : "",
        host, server.httpPort(), host, server.otlpHttpPort(), host, server.otlpGrpcPort());
  }
}
