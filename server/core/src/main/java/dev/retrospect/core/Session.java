package dev.retrospect.core;

/**
 * One browser tab's visit, as the stores summarize it from its replay batches and chapters.
 *
 * @param chapterCount chapters of the session
 * @param eventCount rrweb events received (each batch counted once)
 * @param errorCount console errors, unhandled errors and failed requests the agent reported
 */
public record Session(
    String sessionId,
    long firstSeenMicros,
    long lastSeenMicros,
    String service,
    String userAgent,
    String entryUrl,
    String userId,
    String userEmail,
    int chapterCount,
    long eventCount,
    long errorCount) {

  public Session {
    sessionId = Ids.sessionId(sessionId);
  }
}
