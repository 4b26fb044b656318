package dev.retrospect.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * A configured password, token or key, compared in constant time. Both sides are hashed first so
 * that neither the content nor the length of the secret shows in how long a comparison takes.
 */
final class Secret {
  private final byte[] digest;

  private Secret(String value) {
    this.digest = sha256(value);
  }

  static Secret of(String value) {
    return new Secret(value);
  }

  static List<Secret> all(List<String> values) {
    return values.stream().map(Secret::new).toList();
  }

  boolean matches(String given) {
    return given != null && MessageDigest.isEqual(digest, sha256(given));
  }

  /** True when any secret matches; every one is compared, so the time says nothing about which. */
  static boolean anyMatches(List<Secret> secrets, String given) {
    boolean found = false;
    for (Secret s : secrets) found |= s.matches(given);
    return found;
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
