import { checkedParam, isTime, NOT_A_TIME, type IgnoredParam } from '../spans/searchParams';

/** The sessions page's search, kept in its URL (`/sessions?q=&from=&to=&errors=true`) like the spans page's. */
export interface SessionSearchState {
  q: string;
  from: string;
  to: string;
  errors: boolean;
}

export function parseSessionSearch(params: URLSearchParams): { state: SessionSearchState; ignored: IgnoredParam[] } {
  const ignored: IgnoredParam[] = [];
  const errors = checkedParam(params, 'errors', (v) => v === 'true' || v === 'false', 'not true or false', ignored);
  const state = {
    q: params.get('q') ?? '',
    from: checkedParam(params, 'from', isTime, NOT_A_TIME, ignored),
    to: checkedParam(params, 'to', isTime, NOT_A_TIME, ignored),
    errors: errors === 'true',
  };
  return { state, ignored };
}

export function sessionSearchHref(state: SessionSearchState): string {
  const params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  if (state.from) params.set('from', state.from);
  if (state.to) params.set('to', state.to);
  if (state.errors) params.set('errors', 'true');
  const query = params.toString();
  return query ? `/sessions?${query}` : '/sessions';
}
