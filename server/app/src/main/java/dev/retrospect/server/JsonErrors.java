package dev.retrospect.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;

/**
 * Renders the errors Armeria answers by itself (a body over the size cap refused from its
 * Content-Length, an unknown path, a malformed request line) as {@code {"error": ...}} like every
 * other error of the API, so that clients see one shape and a reason.
 */
final class JsonErrors implements ServerErrorHandler {
  private final long maxRequestBytes;

  JsonErrors(long maxRequestBytes) {
    this.maxRequestBytes = maxRequestBytes;
  }

  @Override
  public HttpResponse onServiceException(ServiceRequestContext ctx, Throwable cause) {
    return null; // Armeria's default mapping; our services answer their own errors
  }

  @Override
  public AggregatedHttpResponse renderStatus(
      ServiceRequestContext ctx, ServiceConfig config, RequestHeaders headers, HttpStatus status,
      String description, Throwable cause) {
    String message = status == HttpStatus.REQUEST_ENTITY_TOO_LARGE
        ? "body is larger than the limit of " + maxRequestBytes + " bytes"
        : status.reasonPhrase() + (description == null ? "" : ": " + description);
    return AggregatedHttpResponse.of(status, MediaType.JSON_UTF_8,
        JsonNodeFactory.instance.objectNode().put("error", message).toString());
  }
}
