package dev.retrospect.server;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.cors.CorsService;
import com.linecorp.armeria.server.cors.CorsServiceBuilder;
import java.util.List;
import java.util.function.Function;

/**
 * CORS for the browser ingest endpoints on the UI port ({@code /v1/replay}, {@code /v1/traces}).
 * CORS alone only stops a browser from reading an answer; a {@code text/plain} POST (what {@code
 * sendBeacon} sends) is delivered without a preflight. So with an allow-list, a POST from any other
 * origin is also refused with 403. Requests without an Origin header (servers, curl) are not
 * browsers and pass.
 */
final class IngestOrigins {
  private IngestOrigins() {}

  static Function<? super HttpService, ? extends HttpService> decorator(List<String> origins) {
    boolean any = origins.contains("*");
    CorsServiceBuilder cors = any ? CorsService.builderForAnyOrigin() : CorsService.builder(origins);
    cors.allowRequestMethods(HttpMethod.POST)
        .allowRequestHeaders(HttpHeaderNames.CONTENT_TYPE, HttpHeaderNames.CONTENT_ENCODING, IngestKeys.HEADER)
        .maxAge(600);
    Function<? super HttpService, CorsService> corsDecorator = cors.newDecorator();
    return delegate -> {
      HttpService checked = any ? delegate : (ctx, req) -> {
        String origin = req.headers().get(HttpHeaderNames.ORIGIN);
        if (origin != null && !origins.contains(origin)) {
          return HttpResponse.of(HttpStatus.FORBIDDEN, MediaType.JSON_UTF_8,
              "{\"error\":\"origin not allowed; add it to RETROSPECT_CORS_ORIGINS\"}");
        }
        return delegate.serve(ctx, req);
      };
      return corsDecorator.apply(checked);
    };
  }
}
