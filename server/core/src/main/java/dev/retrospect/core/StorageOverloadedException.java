package dev.retrospect.core;

/**
 * A write refused because the store's bounded queue is full. Nothing of the write was stored; the
 * client should retry later (the server answers 429/503 with Retry-After).
 */
public class StorageOverloadedException extends RuntimeException {
  public StorageOverloadedException(String message) {
    super(message);
  }
}
