package dev.retrospect.core;

/** Input that Retrospect refuses; the message is meant for the client that sent it. */
public class InvalidInputException extends RuntimeException {
  public InvalidInputException(String message) {
    super(message);
  }
}
