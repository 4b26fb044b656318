package dev.retrospect.store.cassandra;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Names a set of resource attributes by its content: the first 128 bits of the SHA-256 of their
 * encoding. Every server derives the same key for the same attributes with no coordination, so
 * writing a resource row is idempotent; at the few thousand distinct resources a deployment sees,
 * a collision of 128 bits is not a practical concern.
 */
record ResourceKey(long high, long low) {
  static ResourceKey of(ByteBuffer encoded) {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
    sha256.update(encoded.duplicate());
    ByteBuffer digest = ByteBuffer.wrap(sha256.digest());
    return new ResourceKey(digest.getLong(), digest.getLong());
  }

  /** The key as the {@code resources} table stores it. */
  ByteBuffer bytes() {
    return ByteBuffer.allocate(16).putLong(high).putLong(low).flip();
  }

  static ResourceKey fromBytes(ByteBuffer bytes) {
    ByteBuffer b = bytes.duplicate();
    return new ResourceKey(b.getLong(), b.getLong());
  }
}
