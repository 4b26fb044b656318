package dev.retrospect.server.ingest;

/** An ingest body over a size cap; answered with 413 and this message. */
public final class RequestTooLargeException extends RuntimeException {
  public RequestTooLargeException(String message) {
    super(message);
  }
}
