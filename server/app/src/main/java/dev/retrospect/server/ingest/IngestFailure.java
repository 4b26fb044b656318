package dev.retrospect.server.ingest;

import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpStatus;
import dev.retrospect.core.InvalidInputException;
import dev.retrospect.core.StorageOverloadedException;
import dev.retrospect.server.IngestMetrics;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a failed ingest request is answered: bad input 400, too large 413, a store that cannot take
 * the write now (full queue, slow cluster) 503 with Retry-After, anything else 500 (and logged, since it is our fault, not the client's).
 */
public record IngestFailure(HttpStatus status, String message) {
  /** Seconds a client should wait before retrying after an overload answer. */
  public static final int RETRY_AFTER_SECONDS = 1;

  private static final Logger log = LoggerFactory.getLogger(IngestFailure.class);

  public static IngestFailure of(Throwable error, IngestMetrics metrics) {
    Throwable e = unwrap(error);
    if (e instanceof InvalidInputException) {
      metrics.requestsRefused.increment();
      return new IngestFailure(HttpStatus.BAD_REQUEST, e.getMessage());
    }
    if (e instanceof RequestTooLargeException) {
      metrics.requestsRefused.increment();
      return new IngestFailure(HttpStatus.REQUEST_ENTITY_TOO_LARGE, e.getMessage());
    }
    if (e instanceof ContentTooLargeException tooLarge) {
      metrics.requestsRefused.increment();
      return new IngestFailure(HttpStatus.REQUEST_ENTITY_TOO_LARGE,
          "body is larger than the limit of " + tooLarge.maxContentLength() + " bytes");
    }
    if (e instanceof StorageOverloadedException) {
      metrics.overloaded.increment();
      return new IngestFailure(HttpStatus.SERVICE_UNAVAILABLE,
          e.getMessage() + " (retry after " + RETRY_AFTER_SECONDS + " s)");
    }
    log.error("ingest request failed", e);
    return new IngestFailure(HttpStatus.INTERNAL_SERVER_ERROR, "internal error: " + e);
  }

  public boolean overloaded() {
    return status == HttpStatus.SERVICE_UNAVAILABLE;
  }

  static Throwable unwrap(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
