import { describe, expect, it } from 'vitest';
import { parseSpanSearch, resolveTime, spanSearchHref, toApiSearch } from './searchParams';

describe('spans page URL state', () => {
  it('round-trips a search through its URL', () => {
    const href = '/spans?q=ivan&service=api&status=4xx&from=now-1h&minDuration=1000&sort=longest';
    const { state, ignored } = parseSpanSearch(new URL(href, 'http://x').searchParams);
    expect(ignored).toEqual([]);
    expect(spanSearchHref(state)).toBe(href);
  });

  it('falls back to newest first for an unknown sort, says so, and leaves the default out of the URL', () => {
    const { state, ignored } = parseSpanSearch(new URLSearchParams('sort=sideways'));
    expect(state.sort).toBe('newest');
    expect(ignored).toEqual([{ name: 'sort', value: 'sideways', reason: 'not a sort order (newest, oldest, longest, shortest)' }]);
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
    const { state } = parseSpanSearch(new URLSearchParams('q=dale&from=now-1h&maxDuration=abc&minDuration=5000000'));
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

  it('names each malformed time and duration it ignores, with what it expected', () => {
    const { state, ignored } = parseSpanSearch(
      new URLSearchParams('from=yesterday&to=now-1w&minDuration=abc&maxDuration=2s&q=ivan&utm_source=mail'),
    );
    expect(ignored).toEqual([
      { name: 'from', value: 'yesterday', reason: 'not a time (epoch microseconds, now, or now-15m, now-1h, now-7d)' },
      { name: 'to', value: 'now-1w', reason: 'not a time (epoch microseconds, now, or now-15m, now-1h, now-7d)' },
      { name: 'minDuration', value: 'abc', reason: 'not a duration in whole microseconds (e.g. 250000 for 250 ms)' },
      { name: 'maxDuration', value: '2s', reason: 'not a duration in whole microseconds (e.g. 250000 for 250 ms)' },
    ]);
    // The search runs without them, and the next URL the form writes leaves them out.
    expect(spanSearchHref(state)).toBe('/spans?q=ivan');
  });

  it('accepts every form of time and duration the page writes, and empty or unknown parameters, without a word', () => {
    const { ignored } = parseSpanSearch(
      new URLSearchParams('from=now-15m&to=now&minDuration=0&maxDuration=250000&sort=longest&status=teapot&service=&fbclid=x'),
    );
    expect(ignored).toEqual([]);
    expect(parseSpanSearch(new URLSearchParams('from=1764150000000000&to=1764153600000000')).ignored).toEqual([]);
  });
});
