import { describe, expect, it } from 'vitest';
import { parseSpanSearch, resolveTime, spanSearchHref, toApiSearch } from './searchParams';

describe('spans page URL state', () => {
  it('round-trips a search through its URL', () => {
    const href = '/spans?q=ivan&service=api&status=4xx&from=now-1h&minDuration=1000&sort=longest';
    const state = parseSpanSearch(new URL(href, 'http://x').searchParams);
    expect(spanSearchHref(state)).toBe(href);
  });

  it('falls back to newest first for an unknown sort and leaves the default out of the URL', () => {
    const state = parseSpanSearch(new URLSearchParams('sort=sideways'));
    expect(state.sort).toBe('newest');
    expect(spanSearchHref(state)).toBe('/spans');
  });

  it('fixes relative times when the search runs and passes absolute ones through', () => {
    const now = 1_764_150_000_000_000;
    expect(resolveTime('now-15m', now)).toBe(now - 15 * 60e6);
    expect(resolveTime('now-7d', now)).toBe(now - 7 * 86_400e6);
    expect(resolveTime('1764150000000000', now)).toBe(1_764_150_000_000_000);
    expect(resolveTime('yesterday', now)).toBeUndefined();
  });

  it('turns the page state into the API search, ignoring malformed durations', () => {
    const state = parseSpanSearch(new URLSearchParams('q=dale&from=now-1h&maxDuration=abc&minDuration=5000000'));
    expect(toApiSearch(state, 10_000_000_000)).toEqual({
      q: 'dale',
      service: undefined,
      status: undefined,
      from: 10_000_000_000 - 3600e6,
      to: undefined,
      minDuration: 5_000_000,
      maxDuration: undefined,
      sort: 'newest',
    });
  });
});
