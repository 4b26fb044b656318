package dev.retrospect.server;

import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.grpc.GrpcService;
import dev.retrospect.core.Storage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import dev.retrospect.server.api.QueryApi;
import dev.retrospect.server.ingest.BodyLimits;
import dev.retrospect.server.ingest.IngestMemory;
import dev.retrospect.server.ingest.MisdirectedOtlp;
import dev.retrospect.server.ingest.OtlpGrpcService;
import dev.retrospect.server.ingest.OtlpHttpService;
import dev.retrospect.server.ingest.ReplayService;
import dev.retrospect.server.ingest.SpanIngest;
import java.net.InetAddress;
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

  /** Connections per listener; past it new ones are closed at once (each one costs buffers). */
  private static final int MAX_CONNECTIONS = 4096;

  private final Storage storage;
  private final Server ui;
  private final Server otlpHttp;
  private final Server otlpGrpc;
  private final RetentionPurge retention;

  private RetrospectServer(ServerConfig config, Storage storage, Clock clock) {
    this.storage = storage;
    // Ingest may hold half of the heap and queries a quarter, leaving a quarter for everything else.
    MemoryBudget ingestMemory = MemoryBudget.ofBytesOrHeapShare(config.maxIngestMemory(), 2);
    MemoryBudget queryMemory = MemoryBudget.ofBytesOrHeapShare(config.maxQueryMemory(), 4);
    IngestMetrics metrics = new IngestMetrics(storage::pendingWrites, ingestMemory::held, queryMemory::held);
    SpanIngest ingest = new SpanIngest(storage, metrics);
    BodyLimits limits = new BodyLimits(config.maxRequestBytes(), config.maxDecompressedBytes());
    IngestMemory memory = new IngestMemory(ingestMemory);
    IngestGate gate = new IngestGate(config.maxIngestInFlight(), memory, metrics);
    OtlpHttpService otlp = new OtlpHttpService(ingest, metrics, limits, memory);
    ReplayService replay = new ReplayService(storage, metrics, limits, memory);

    if (!config.uiBindAddress().equals(config.bindAddress())) {
      log.warn("No read credentials are set (RETROSPECT_UI_USER and RETROSPECT_UI_PASSWORD, or RETROSPECT_API_TOKEN): "
              + "the UI, query API and browser ingest port listens on {} only, not {}. Set credentials to serve it to other machines.",
          config.uiBindAddress().getHostAddress(), config.bindAddress().getHostAddress());
    }
    ServerBuilder uiBuilder = listener(config, config.uiBindAddress(), config.httpPort());
    ReadAccess readAccess = ReadAccess.of(config.access());
    if (readAccess != null) uiBuilder.decorator(readAccess);
    new QueryApi(storage, metrics, config.maxDecompressedBytes(), config.maxQueriesInFlight(), queryMemory).addTo(uiBuilder);
    var browserIngest = IngestOrigins.decorator(config.corsOrigins());
    IngestKeys keys = IngestKeys.of(config.access().ingestKeys());
    uiBuilder.service("/v1/traces", browserIngest(otlp, gate, keys).decorate(browserIngest));
    uiBuilder.service("/v1/replay", browserIngest(replay, gate, keys).decorate(browserIngest));
    uiBuilder.service("/" + TraceServiceGrpc.getExportMethod().getFullMethodName(), MisdirectedOtlp.onUiPort(config.otlpGrpcPort()));
    uiBuilder.serviceUnder("/", StaticUi.service());
    ui = uiBuilder.build();

    OtlpToken token = OtlpToken.of(config.access().otlpToken());
    ServerBuilder otlpHttpBuilder = listener(config, config.bindAddress(), config.otlpHttpPort())
        .service("/v1/traces", otlp.decorate(gate))
        .serviceUnder("/", MisdirectedOtlp.onHttpPort(config.otlpGrpcPort()));
    if (token != null) otlpHttpBuilder.decorator(token);
    otlpHttp = otlpHttpBuilder.build();

    ServerBuilder otlpGrpcBuilder = listener(config, config.bindAddress(), config.otlpGrpcPort())
        .service(GrpcService.builder()
            .addService(new OtlpGrpcService(ingest, metrics, memory))
            .maxRequestMessageLength((int) Math.min(Integer.MAX_VALUE, config.maxDecompressedBytes()))
            .useBlockingTaskExecutor(true)
            .build(), delegate -> delegate.decorate(gate))
        .serviceUnder("/", MisdirectedOtlp.onGrpcPort(config.otlpHttpPort()));
    if (token != null) otlpGrpcBuilder.decorator(token);
    otlpGrpc = otlpGrpcBuilder.build();
    retention = new RetentionPurge(storage, Duration.ofDays(config.retentionDays()), clock);
  }

  private static HttpService browserIngest(HttpService service, IngestGate gate, IngestKeys keys) {
    HttpService gated = service.decorate(gate);
    return keys == null ? gated : gated.decorate(keys);
  }

  private static ServerBuilder listener(ServerConfig config, InetAddress address, int port) {
    return Server.builder()
        .http(new InetSocketAddress(address, port))
        // Each listener registers the shared executors' meters; one registry each avoids clashes.
        .meterRegistry(new SimpleMeterRegistry())
        .maxRequestLength(config.maxRequestBytes())
        .maxNumConnections(MAX_CONNECTIONS)
        .errorHandler(new JsonErrors(config.maxRequestBytes()))
        .requestTimeout(INGEST_TIMEOUT)
        .gracefulShutdownTimeout(Duration.ofMillis(200), Duration.ofSeconds(5));
  }

  /** Starts the three listeners on this store; the server owns the store from now on. */
  public static RetrospectServer start(ServerConfig config, Storage storage) {
    return start(config, storage, Clock.systemUTC());
  }

  /** Starts with this clock deciding what retention considers old. */
  static RetrospectServer start(ServerConfig config, Storage storage, Clock clock) {
    RetrospectServer server = new RetrospectServer(config, storage, clock);
    try {
      for (Server s : server.servers()) {
        try {
          s.start().join();
        } catch (RuntimeException e) {
          Throwable root = e;
          while (root.getCause() != null) root = root.getCause();
          InetSocketAddress address = s.config().ports().get(0).localAddress();
          throw new IllegalStateException("cannot listen on " + address.getAddress().getHostAddress() + ":" + address.getPort()
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

  /** The address the UI port listens on. */
  InetSocketAddress uiAddress() {
    return ui.activePort().localAddress();
  }

  /** The scheduled retention purge, which tests run at once. */
  RetentionPurge retention() {
    return retention;
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
    if (ServerConfig.helpRequested(args)) {
      System.out.print(ServerConfig.usage());
      return;
    }
    ServerConfig config;
    RetrospectServer server;
    for (String warning : ServerConfig.unknownEnvironment(System.getenv())) {
      System.err.println("retrospect: " + warning);
    }
    try {
      config = ServerConfig.from(System.getenv(), args);
      FreePorts.check(config);
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
    String uiHost = config.uiBindAddress().getHostAddress();
    System.out.printf(
        "Retrospect is running (%s store%s)%n"
            + "  UI and query API  http://%s:%d/%n"
            + "  OTLP/HTTP         http://%s:%d/v1/traces%n"
            + "  OTLP/gRPC         %s:%d%n",
        config.storage(), config.storage().equals("embedded") ? " in " + config.dataDir().toAbsolutePath().normalize() : "",
        uiHost, server.httpPort(), host, server.otlpHttpPort(), host, server.otlpGrpcPort());
  }
}
