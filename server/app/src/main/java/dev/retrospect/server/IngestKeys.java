package dev.retrospect.server;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.retrospect.server.ingest.IngestResponses;
import java.util.List;

/**
 * Write-only public keys for browser ingest on the UI port. A key is visible in every page that
 * embeds the agent, so it only lets a browser add data: {@link ReadAccess} never accepts it. The
 * browser agent sends it as {@code ?key=} because a custom header would cost a CORS preflight per
 * request and {@code sendBeacon} cannot set one; other clients may use {@code X-Retrospect-Key}.
 */
final class IngestKeys implements DecoratingHttpServiceFunction {
  static final String HEADER = "x-retrospect-key";

  private final List<Secret> keys;

  private IngestKeys(List<String> keys) {
    this.keys = Secret.all(keys);
  }

  /** The decorator, or null when no keys are configured (then browser ingest is open). */
  static IngestKeys of(List<String> keys) {
    return keys.isEmpty() ? null : new IngestKeys(keys);
  }

  @Override
  public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
    String key = req.headers().get(HEADER);
    if (key == null) key = ctx.queryParam("key");
    if (key != null && Secret.anyMatches(keys, key)) return delegate.serve(ctx, req);
    return IngestResponses.error(HttpStatus.UNAUTHORIZED, true,
        key == null ? "an ingest key is required: ?key= or X-Retrospect-Key (RETROSPECT_INGEST_KEYS)" : "unknown ingest key");
  }
}
