import type { Chapters, ChapterReport } from './chapters';
import { newId128, newId64 } from './ids';
import type { ClientSpan } from './otlp';
import { mergeBaggage, PropagationRules, traceIdOf, traceparent } from './propagation';

/** A traced request in flight: the headers to add, and how to end it. */
export interface TracedRequest {
  /** `traceparent` to set, or null when the page set its own (then its trace is the chapter's). */
  traceparent: string | null;
  /** The page's baggage merged with ours. */
  baggage: string;
  /** Records the outcome: a status (0 or null when there was none) or a network error name. */
  end(status: number | null, error: string | null): void;
}

/** Where finished client spans and chapter changes go. */
export interface TraceSink {
  sessionId(): string;
  span(span: ClientSpan): void;
}

/**
 * Turns a request the page sends into a client span and a chapter boundary: each traced request
 * closes the open chapter with its trace id and opens the next.
 */
export class RequestTracer {
  constructor(
    private readonly rules: PropagationRules,
    private readonly chapters: Chapters,
    private readonly sink: TraceSink,
  ) {}

  /** Starts tracing a request, or returns null when the request must not be traced. */
  start(method: string, url: string | URL, headers: { traceparent: string | null; baggage: string | null }): TracedRequest | null {
    const target = this.rules.traceable(url);
    if (!target) return null;
    const startWall = Date.now();
    const startMono = performance.now();
    const pageTraceId = traceIdOf(headers.traceparent);
    const traceId = pageTraceId ?? newId128();
    const spanId = newId64();
    const upperMethod = (method || 'GET').toUpperCase();
    const sessionId = this.sink.sessionId();
    const chapter: ChapterReport = this.chapters.close({ traceId, requestTime: startWall, method: upperMethod, url: target.href });
    let ended = false;
    return {
      traceparent: pageTraceId ? null : traceparent(traceId, spanId),
      baggage: mergeBaggage(headers.baggage, { 'session.id': sessionId, 'retrospect.chapter.id': chapter.chapterId }),
      end: (status, error) => {
        if (ended) return;
        ended = true;
        const duration = performance.now() - startMono;
        const seen = status && status > 0 ? status : null;
        this.chapters.complete(chapter, { status: seen, duration: Math.round(duration * 1000) / 1000, error });
        // A page that sets its own traceparent reports its own client span.
        if (pageTraceId) return;
        this.sink.span({
          traceId, spanId, method: upperMethod, url: target.href,
          start: startWall, end: startWall + duration, status: seen, error, sessionId, chapterId: chapter.chapterId,
        });
      },
    };
  }
}
