import { propagation, type Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';

/** The baggage entries the browser agent sends with every request it traces. */
export const SESSION_BAGGAGE_KEYS = ['session.id', 'retrospect.chapter.id'] as const;

/**
 * Copies the session and chapter baggage onto every span started in a context that carries it, so
 * database and outgoing HTTP spans deep inside a request can be found by session too. Only these two
 * keys are copied: other baggage may hold data the application never meant to store.
 */
export class SessionBaggageSpanProcessor implements SpanProcessor {
  onStart(span: Span, parentContext: Context): void {
    const baggage = propagation.getBaggage(parentContext);
    if (!baggage) return;
    for (const key of SESSION_BAGGAGE_KEYS) {
      const entry = baggage.getEntry(key);
      if (entry?.value) span.setAttribute(key, entry.value);
    }
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
