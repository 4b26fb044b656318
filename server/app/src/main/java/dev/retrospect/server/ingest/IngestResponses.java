package dev.retrospect.server.ingest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;

/** Error answers of the ingest endpoints. */
public final class IngestResponses {
  static final MediaType PROTOBUF = MediaType.create("application", "x-protobuf");

  private IngestResponses() {}

  /** 4xx/5xx: {@code {"error": message}} for JSON clients, a {@code google.rpc.Status} for protobuf ones. */
  public static HttpResponse error(HttpStatus status, boolean json, String message) {
    ResponseHeadersBuilder headers = ResponseHeaders.builder(status);
    if (status == HttpStatus.SERVICE_UNAVAILABLE || status == HttpStatus.TOO_MANY_REQUESTS) {
      headers.set(HttpHeaderNames.RETRY_AFTER, Integer.toString(IngestFailure.RETRY_AFTER_SECONDS));
    }
    if (json) {
      String body = JsonNodeFactory.instance.objectNode().put("error", message).toString();
      return HttpResponse.of(headers.contentType(MediaType.JSON_UTF_8).build(), HttpData.ofUtf8(body));
    }
    byte[] body = com.google.rpc.Status.newBuilder()
        .setCode(grpcCode(status))
        .setMessage(message)
        .build()
        .toByteArray();
    return HttpResponse.of(headers.contentType(PROTOBUF).build(), HttpData.wrap(body));
  }

  public static HttpResponse failure(IngestFailure failure, boolean json) {
    return error(failure.status(), json, failure.message());
  }

  private static int grpcCode(HttpStatus status) {
    return switch (status.code()) {
      case 400, 415 -> 3; // INVALID_ARGUMENT
      case 404 -> 12; // UNIMPLEMENTED
      case 413, 429 -> 8; // RESOURCE_EXHAUSTED
      case 503 -> 14; // UNAVAILABLE
      default -> 13; // INTERNAL
    };
  }
}
