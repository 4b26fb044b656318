package dev.retrospect.core;

/**
 * What the browser agent tells about a session alongside a replay batch. Any field may be null;
 * stores keep the first non-null value they see for each (the user's, the latest one).
 */
public record SessionInfo(
    String service, String userAgent, String entryUrl, String userId, String userEmail) {
  public static final SessionInfo EMPTY = new SessionInfo(null, null, null, null, null);
}
