package dev.retrospect.core;

/**
 * The browser events recorded since the previous traced request, plus the trace that the next
 * request started. A chapter is reported by the browser agent, first when it opens and again when
 * its request is sent and answered; a later report fills in what an earlier one lacked.
 *
 * @param sequence position in the session, from 0
 * @param traceId the trace its request started; null while the chapter has had no request yet
 * @param firstEventMicros time of its first browser event
 * @param requestMicros when its request was sent; null while it has none
 * @param requestMethod HTTP method of that request, or null
 * @param requestUrl URL of that request, or null
 * @param responseStatus HTTP status the browser saw; null without a response (see error)
 * @param durationMicros how long the browser waited for the response, or null
 * @param error the network error the browser saw instead of a response, or null
 */
public record Chapter(
    String chapterId,
    String sessionId,
    int sequence,
    String traceId,
    long firstEventMicros,
    Long requestMicros,
    String requestMethod,
    String requestUrl,
    Integer responseStatus,
    Long durationMicros,
    String error) {

  public Chapter {
    chapterId = Ids.chapterId(chapterId);
    sessionId = Ids.sessionId(sessionId);
    traceId = traceId == null ? null : Ids.traceId(traceId);
    if (sequence < 0) throw new InvalidInputException("chapter sequence must not be negative");
  }

  /** True when the browser saw the request fail: a network error or a status of 400 or more. */
  public boolean failed() {
    return error != null || (responseStatus != null && responseStatus >= 400);
  }

  /** This chapter completed by a later report of the same chapter: non-null fields of later win. */
  public Chapter mergedWith(Chapter later) {
    return new Chapter(
        chapterId,
        sessionId,
        sequence,
        later.traceId != null ? later.traceId : traceId,
        Math.min(firstEventMicros, later.firstEventMicros),
        later.requestMicros != null ? later.requestMicros : requestMicros,
        later.requestMethod != null ? later.requestMethod : requestMethod,
        later.requestUrl != null ? later.requestUrl : requestUrl,
        later.responseStatus != null ? later.responseStatus : responseStatus,
        later.durationMicros != null ? later.durationMicros : durationMicros,
        later.error != null ? later.error : error);
  }
}
