package dev.retrospect.server.ingest;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.retrospect.server.IngestMetrics;

/**
 * The size caps of an ingest body, as sent and after gzip decompression, and the checks every
 * ingest endpoint makes before reading a body. A declared Content-Length over the cap is refused
 * before any of the body is read; a chunked body is cut off by Armeria at the same cap.
 */
public record BodyLimits(long maxRequestBytes, long maxDecompressedBytes) {

  /** An error answer when the request's headers already rule it out, else null (and the cap is set). */
  HttpResponse refuseEarly(ServiceRequestContext ctx, HttpRequest req, boolean json, IngestMetrics metrics) {
    long declared = req.headers().contentLength();
    if (declared > maxRequestBytes) {
      metrics.requestsRefused.increment();
      return IngestResponses.error(HttpStatus.REQUEST_ENTITY_TOO_LARGE, json,
          "body of " + declared + " bytes is larger than the limit of " + maxRequestBytes + " bytes");
    }
    String encoding = req.headers().get(HttpHeaderNames.CONTENT_ENCODING);
    if (encoding != null && !encoding.equalsIgnoreCase("gzip") && !encoding.equalsIgnoreCase("identity")) {
      metrics.requestsRefused.increment();
      return IngestResponses.error(HttpStatus.UNSUPPORTED_MEDIA_TYPE, json,
          "Content-Encoding must be gzip or identity, got \"" + encoding + "\"");
    }
    ctx.setMaxRequestLength(maxRequestBytes);
    return null;
  }

  static boolean gzipHeader(HttpRequest req) {
    return "gzip".equalsIgnoreCase(req.headers().get(HttpHeaderNames.CONTENT_ENCODING));
  }

  byte[] gunzip(byte[] body) {
    return BoundedGunzip.gunzip(body, maxDecompressedBytes);
  }
}
