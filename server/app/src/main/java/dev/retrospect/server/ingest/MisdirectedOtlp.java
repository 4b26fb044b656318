package dev.retrospect.server.ingest;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * What an OTLP port answers to a request meant for somewhere else: OTLP/gRPC sent to the HTTP
 * port, OTLP/HTTP sent to the gRPC port, metrics or logs, or an endpoint given with
 * {@code /v1/traces} that the SDK then adds a second time. SDKs log this answer, so it says what
 * to change rather than a bare "Not Found". gRPC clients get it as a gRPC status, others as a 404.
 */
public final class MisdirectedOtlp implements HttpService {
  private static final MediaType GRPC = MediaType.create("application", "grpc");
  private static final int GRPC_UNIMPLEMENTED = 12;
  private static final String TRACES_ONLY = "Retrospect stores traces only: set OTEL_METRICS_EXPORTER=none and OTEL_LOGS_EXPORTER=none";

  private final String thisPort;
  private final boolean grpcPort;
  private final String otherPort;

  private MisdirectedOtlp(String thisPort, boolean grpcPort, int otherPort) {
    this.thisPort = thisPort;
    this.grpcPort = grpcPort;
    // 0: an ephemeral port, not known yet when the listeners are built (tests).
    this.otherPort = otherPort == 0 ? "its " + (grpcPort ? "OTLP/HTTP" : "OTLP/gRPC") + " port" : "port " + otherPort;
  }

  /** For the OTLP/HTTP port; {@code grpcPort} is where OTLP/gRPC goes. */
  public static MisdirectedOtlp onHttpPort(int grpcPort) {
    return new MisdirectedOtlp("OTLP/HTTP", false, grpcPort);
  }

  /** For the OTLP/gRPC port; {@code httpPort} is where OTLP/HTTP goes. */
  public static MisdirectedOtlp onGrpcPort(int httpPort) {
    return new MisdirectedOtlp("OTLP/gRPC", true, httpPort);
  }

  /** For OTLP/gRPC's method path on the UI port, which takes OTLP/HTTP only. */
  public static MisdirectedOtlp onUiPort(int grpcPort) {
    return new MisdirectedOtlp("UI", false, grpcPort);
  }

  @Override
  public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
    MediaType type = req.contentType();
    boolean grpc = type != null && type.is(GRPC);
    String path = ctx.path();
    String message;
    if (path.endsWith("/v1/metrics") || path.endsWith("/v1/logs") || path.contains("MetricsService") || path.contains("LogsService")) {
      message = TRACES_ONLY;
    } else if (grpcPort) {
      message = grpc
          ? "no gRPC method " + path + ": Retrospect takes opentelemetry.proto.collector.trace.v1.TraceService/Export"
          : "this is Retrospect's " + thisPort + " port: send OTLP/HTTP to " + otherPort + " (POST /v1/traces)";
    } else {
      message = grpc
          ? "this is Retrospect's " + thisPort + " port: send OTLP/gRPC to " + otherPort
          : "no endpoint " + path + ": spans go to POST /v1/traces; give OTEL_EXPORTER_OTLP_ENDPOINT as http://host:port without a path (the SDK adds /v1/traces)";
    }
    if (grpc) {
      // A trailers-only gRPC answer: the status travels in the headers.
      return HttpResponse.of(ResponseHeaders.builder(HttpStatus.OK)
          .contentType(GRPC)
          .set("grpc-status", Integer.toString(GRPC_UNIMPLEMENTED))
          .set("grpc-message", URLEncoder.encode(message, StandardCharsets.UTF_8).replace("+", "%20"))
          .endOfStream(true)
          .build());
    }
    return IngestResponses.error(HttpStatus.NOT_FOUND, !(type != null && type.is(IngestResponses.PROTOBUF)), message);
  }
}
