import { describe, expect, it } from 'vitest';
import { parseSessionSearch, sessionSearchHref } from './searchParams';

describe('sessions page URL state', () => {
  it('round-trips a search through its URL without ignoring anything', () => {
    const href = '/sessions?q=ivan&from=now-24h&to=1764150000000000&errors=true';
    const { state, ignored } = parseSessionSearch(new URL(href, 'http://x').searchParams);
    expect(ignored).toEqual([]);
    expect(sessionSearchHref(state)).toBe(href);
  });

  it('reads errors=false as all sessions, without a notice', () => {
    const { state, ignored } = parseSessionSearch(new URLSearchParams('errors=false'));
    expect(state.errors).toBe(false);
    expect(ignored).toEqual([]);
  });

  it('names each malformed time and errors flag it ignores, and searches without them', () => {
    const { state, ignored } = parseSessionSearch(new URLSearchParams('q=ivan&from=yesterday&to=12:00&errors=yes&ref=chat'));
    expect(ignored).toEqual([
      { name: 'errors', value: 'yes', reason: 'not true or false' },
      { name: 'from', value: 'yesterday', reason: 'not a time (epoch microseconds, now, or now-15m, now-1h, now-7d)' },
      { name: 'to', value: '12:00', reason: 'not a time (epoch microseconds, now, or now-15m, now-1h, now-7d)' },
    ]);
    expect(state).toEqual({ q: 'ivan', from: '', to: '', errors: false });
    expect(sessionSearchHref(state)).toBe('/sessions?q=ivan');
  });
});
