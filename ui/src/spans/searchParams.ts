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

/**
 * A known filter in a page's URL whose value the page cannot use. The page searches without it
 * and says so, so that whoever opens a mistyped shared link does not take the results for filtered.
 */
export interface IgnoredParam {
  name: string;
  value: string;
  reason: string;
}

export const NOT_A_TIME = 'not a time (epoch microseconds, now, or now-15m, now-1h, now-7d)';
const NOT_A_DURATION = 'not a duration in whole microseconds (e.g. 250000 for 250 ms)';
const NOT_A_SORT = `not a sort order (${SORTS.join(', ')})`;

/**
 * Reads `name` from `params`, keeping it if `valid` accepts it; otherwise records it in `ignored`
 * and answers '' (unset), so the page searches without it and its next URL leaves it out.
 */
export function checkedParam(
  params: URLSearchParams,
  name: string,
  valid: (value: string) => boolean,
  reason: string,
  ignored: IgnoredParam[],
): string {
  const value = params.get(name) ?? '';
  if (value === '' || valid(value)) return value;
  ignored.push({ name, value, reason });
  return '';
}

export const isTime = (value: string) => resolveTime(value, 0) !== undefined;
const isMicros = (value: string) => /^\d+$/.test(value);

export function parseSpanSearch(params: URLSearchParams): { state: SpanSearchState; ignored: IgnoredParam[] } {
  const ignored: IgnoredParam[] = [];
  const state = {
    q: params.get('q') ?? '',
    service: params.get('service') ?? '',
    // The API judges a status (503, 5xx, error) and a bad one gets its 400 shown in place of results.
    status: params.get('status') ?? '',
    from: checkedParam(params, 'from', isTime, NOT_A_TIME, ignored),
    to: checkedParam(params, 'to', isTime, NOT_A_TIME, ignored),
    minDuration: checkedParam(params, 'minDuration', isMicros, NOT_A_DURATION, ignored),
    maxDuration: checkedParam(params, 'maxDuration', isMicros, NOT_A_DURATION, ignored),
    sort: (checkedParam(params, 'sort', (v) => SORTS.includes(v as SpanSort), NOT_A_SORT, ignored) || 'newest') as SpanSort,
  };
  return { state, ignored };
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
  return isMicros(value) ? Number(value) : undefined;
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
