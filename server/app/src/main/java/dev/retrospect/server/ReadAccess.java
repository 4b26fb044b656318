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
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/**
 * Credentials for everything on the UI port that shows recorded data: the UI, the query API and
 * {@code /metrics}. Either HTTP Basic with the configured user and password (what a browser asks
 * for) or {@code Authorization: Bearer} with the API token (scripts). {@code /health} stays open
 * for load balancers; the browser ingest paths have their own write-only keys ({@link
 * IngestKeys}), which are never accepted here.
 */
final class ReadAccess implements DecoratingHttpServiceFunction {
  private static final Set<String> OPEN_PATHS = Set.of("/health", "/v1/replay", "/v1/traces");

  private final Secret user;
  private final Secret password;
  private final Secret token;

  private ReadAccess(ServerConfig.Access access) {
    this.user = access.uiUser().isEmpty() ? null : Secret.of(access.uiUser());
    this.password = access.uiUser().isEmpty() ? null : Secret.of(access.uiPassword());
    this.token = access.apiToken().isEmpty() ? null : Secret.of(access.apiToken());
  }

  /** The decorator, or null when no read credentials are configured (the port is then loopback only). */
  static ReadAccess of(ServerConfig.Access access) {
    return access.readsProtected() ? new ReadAccess(access) : null;
  }

  @Override
  public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
    if (OPEN_PATHS.contains(ctx.path()) || allowed(req.headers().get(HttpHeaderNames.AUTHORIZATION))) {
      return delegate.serve(ctx, req);
    }
    return HttpResponse.of(
        ResponseHeaders.builder(HttpStatus.UNAUTHORIZED)
            .contentType(MediaType.JSON_UTF_8)
            .set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"Retrospect\", charset=\"UTF-8\"")
            .build(),
        com.linecorp.armeria.common.HttpData.ofUtf8(
            "{\"error\":\"credentials required: HTTP Basic (RETROSPECT_UI_USER) or Authorization: Bearer (RETROSPECT_API_TOKEN)\"}"));
  }

  private boolean allowed(String authorization) {
    if (authorization == null) return false;
    String[] scheme = authorization.trim().split("\\s+", 2);
    if (scheme.length != 2) return false;
    if (scheme[0].equalsIgnoreCase("Bearer")) return token != null && token.matches(scheme[1]);
    if (scheme[0].equalsIgnoreCase("Basic") && user != null) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(scheme[1]), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return false;
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) return false;
      // Both compared whatever the first says, so that timing does not reveal a right user name.
      return user.matches(decoded.substring(0, colon)) & password.matches(decoded.substring(colon + 1));
    }
    return false;
  }
}
