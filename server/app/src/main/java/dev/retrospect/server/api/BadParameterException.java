package dev.retrospect.server.api;

/** A query parameter the API cannot use; answered 400 with this message. */
final class BadParameterException extends RuntimeException {
  BadParameterException(String message) {
    super(message);
  }
}
