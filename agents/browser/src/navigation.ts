import { traceIdOf } from './propagation';

/** The page load as its server traced it, from a `Server-Timing: traceparent;desc="00-…"` header. */
export interface TracedNavigation {
  traceId: string;
  /** Epoch ms when the navigation started. */
  requestTime: number;
  method: string;
  url: string;
  status: number | null;
  duration: number | null;
}

/**
 * The full-page load's trace, when the server announced it in Server-Timing (the only way a page
 * can learn the trace of the request that loaded it); null otherwise.
 */
export function tracedNavigation(perf: Performance = performance): TracedNavigation | null {
  const entry = perf.getEntriesByType?.('navigation')?.[0] as PerformanceNavigationTiming | undefined;
  const timing = entry?.serverTiming?.find((t) => t.name === 'traceparent');
  const traceId = traceIdOf(timing?.description);
  if (!entry || !traceId) return null;
  const status = (entry as PerformanceNavigationTiming & { responseStatus?: number }).responseStatus;
  return {
    traceId,
    requestTime: perf.timeOrigin + entry.startTime,
    method: 'GET',
    url: entry.name || location.href,
    status: status && status > 0 ? status : null,
    duration: entry.responseEnd > 0 ? entry.responseEnd - entry.startTime : null,
  };
}
