package dev.retrospect.server;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.retrospect.server.ingest.IngestResponses;

/**
 * The optional bearer token of the OTLP ports ({@code Authorization: Bearer …}, which OTLP
 * exporters send as a configured header, and gRPC as metadata). A gRPC client maps the HTTP 401 to
 * UNAUTHENTICATED.
 */
final class OtlpToken implements DecoratingHttpServiceFunction {
  private final Secret token;

  private OtlpToken(String token) {
    this.token = Secret.of(token);
  }

  /** The decorator, or null when no token is configured. */
  static OtlpToken of(String token) {
    return token.isEmpty() ? null : new OtlpToken(token);
  }

  @Override
  public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
    String authorization = req.headers().get(HttpHeaderNames.AUTHORIZATION);
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
        && token.matches(authorization.substring(7).trim())) {
      return delegate.serve(ctx, req);
    }
    MediaType type = req.contentType();
    if (type != null && type.subtype().startsWith("grpc")) {
      // A trailers-only gRPC answer, so that exporters report UNAUTHENTICATED rather than UNKNOWN.
      return HttpResponse.of(ResponseHeaders.builder(HttpStatus.OK)
          .contentType(type)
          .set("grpc-status", "16")
          .set("grpc-message", "the OTLP token (RETROSPECT_OTLP_TOKEN) is required as Authorization: Bearer metadata")
          .build());
    }
    return IngestResponses.error(HttpStatus.UNAUTHORIZED, type == null || !type.is(MediaType.create("application", "x-protobuf")),
        "Authorization: Bearer with the OTLP token (RETROSPECT_OTLP_TOKEN) is required");
  }
}
