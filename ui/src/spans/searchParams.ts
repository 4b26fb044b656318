import type { SpanSearch, SpanSort } from '../api/types';

/**
 * The spans page keeps its whole search in the URL so a search can be shared and reloaded. The
 * URL uses the API's own parameter names; `from` and `to` may also be relative (`now-1h`), which
 * keeps a shared "last hour" link meaning the last hour when it is opened.
 */
export interface SpanSearchState {
  q: string;
  service: string;
  status: string;
  from: string;
  to: string;
  minDuration: string;
  maxDuration: string;
  sort: SpanSort;
}

export const TIME_PRESETS = [
  { value: 'now-15m', label: 'Last 15 minutes' },
  { value: 'now-1h', label: 'Last hour' },
  { value: 'now-24h', label: 'Last 24 hours' },
  { value: 'now-7d', label: 'Last 7 days' },
] as const;

const SORTS: SpanSort[] = ['newest', 'oldest', 'longest', 'shortest'];
const UNIT_MICROS: Record<string, number> = { m: 60e6, h: 3600e6, d: 86_400e6 };

export function parseSpanSearch(params: URLSearchParams): SpanSearchState {
  const sort = params.get('sort') as SpanSort;
  return {
    q: params.get('q') ?? '',
    service: params.get('service') ?? '',
    status: params.get('status') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
    minDuration: params.get('minDuration') ?? '',
    maxDuration: params.get('maxDuration') ?? '',
    sort: SORTS.includes(sort) ? sort : 'newest',
  };
}

/** The page URL of a search; unset fields and the default sort are left out so links stay short. */
export function spanSearchHref(state: SpanSearchState): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(state)) {
    if (value === '' || (key === 'sort' && value === 'newest')) continue;
    params.set(key, value);
  }
  const query = params.toString();
  return query ? `/spans?${query}` : '/spans';
}

/** `now-1h` or epoch microseconds to epoch microseconds; anything else is no bound. */
export function resolveTime(value: string, nowMicros: number): number | undefined {
  const relative = /^now-(\d+)([mhd])$/.exec(value);
  if (relative) return nowMicros - Number(relative[1]) * UNIT_MICROS[relative[2]];
  if (value === 'now') return nowMicros;
  return /^\d+$/.test(value) ? Number(value) : undefined;
}

function number(value: string): number | undefined {
  return /^\d+$/.test(value) ? Number(value) : undefined;
}

/** The API search of a page state, with relative times fixed against `nowMicros`. */
export function toApiSearch(state: SpanSearchState, nowMicros: number): SpanSearch {
  return {
    q: state.q || undefined,
    service: state.service || undefined,
    status: state.status || undefined,
    from: resolveTime(state.from, nowMicros),
    to: resolveTime(state.to, nowMicros),
    minDuration: number(state.minDuration),
    maxDuration: number(state.maxDuration),
    sort: state.sort,
  };
}
