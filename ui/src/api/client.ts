import type {
  ChapterAnswer,
  EventsAnswer,
  ServicesAnswer,
  SessionAnswer,
  SessionPage,
  SessionSearch,
  SpanPage,
  SpanSearch,
  TraceAnswer,
} from './types';

/** An answer of the API that was not 2xx, with the server's own message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Params = Record<string, string | number | boolean | undefined | null>;

/** Builds `path?…` from the params that are set; empty strings count as unset. */
export function apiUrl(path: string, params: Params = {}): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    query.set(key, String(value));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

function spanParams(search: SpanSearch): Params {
  return {
    q: search.q?.trim(),
    service: search.service,
    status: search.status,
    from: search.from,
    to: search.to,
    minDuration: search.minDuration,
    maxDuration: search.maxDuration,
    sort: search.sort,
  };
}

export function spansUrl(search: SpanSearch, limit?: number, cursor?: string | null): string {
  return apiUrl('/api/spans', { ...spanParams(search), limit, cursor });
}

export function spansExportUrl(search: SpanSearch, format: 'csv' | 'json'): string {
  return apiUrl('/api/spans/export', { format, ...spanParams(search) });
}

export function sessionsUrl(search: SessionSearch, limit?: number, cursor?: string | null): string {
  return apiUrl('/api/sessions', {
    q: search.q?.trim(),
    from: search.from,
    to: search.to,
    errors: search.errors ? true : undefined,
    limit,
    cursor,
  });
}

export function sessionEventsUrl(sessionId: string, from?: number, to?: number): string {
  return apiUrl(`/api/sessions/${encodeURIComponent(sessionId)}/events`, { from, to });
}

async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { signal, headers: { Accept: 'application/json' } });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new ApiError(0, 'The Retrospect server cannot be reached.');
  }
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = await response.json();
      if (body && typeof body.error === 'string') message = body.error;
    } catch {
      // The body was not the API's JSON error (a proxy's page, say); the status line says enough.
    }
    throw new ApiError(response.status, message);
  }
  return (await response.json()) as T;
}

const id = encodeURIComponent;

/** The query API of docs/api.md, one function per endpoint. */
export const api = {
  spans: (search: SpanSearch, limit?: number, cursor?: string | null, signal?: AbortSignal) =>
    getJson<SpanPage>(spansUrl(search, limit, cursor), signal),
  trace: (traceId: string, signal?: AbortSignal) =>
    getJson<TraceAnswer>(`/api/traces/${id(traceId)}`, signal),
  chapter: (chapterId: string, signal?: AbortSignal) =>
    getJson<ChapterAnswer>(`/api/chapters/${id(chapterId)}`, signal),
  sessions: (search: SessionSearch, limit?: number, cursor?: string | null, signal?: AbortSignal) =>
    getJson<SessionPage>(sessionsUrl(search, limit, cursor), signal),
  session: (sessionId: string, signal?: AbortSignal) =>
    getJson<SessionAnswer>(`/api/sessions/${id(sessionId)}`, signal),
  sessionEvents: (sessionId: string, from?: number, to?: number, signal?: AbortSignal) =>
    getJson<EventsAnswer>(sessionEventsUrl(sessionId, from, to), signal),
  services: (signal?: AbortSignal) => getJson<ServicesAnswer>('/api/services', signal),
};
