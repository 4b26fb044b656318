package dev.retrospect.store.embedded;

import dev.retrospect.core.Ids;
import dev.retrospect.core.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Where a page of sessions (newest first) ended: the last one's lastSeen and id. */
record SessionCursor(long lastSeenMicros, String sessionId) {

  String encode() {
    String text = lastSeenMicros + ":" + sessionId;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  static SessionCursor decode(String cursor) {
    try {
      String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split(":");
      if (parts.length != 2 || !Ids.isHex(parts[1], 32)) throw new IllegalArgumentException();
      return new SessionCursor(Long.parseLong(parts[0]), parts[1]);
    } catch (RuntimeException e) {
      throw new InvalidInputException("cursor is not one this server gave out");
    }
  }
}
