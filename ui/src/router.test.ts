import { describe, expect, it } from 'vitest';
import { matchPath } from './router';

describe('matchPath', () => {
  it('takes the ids out of a view URL, decoded', () => {
    expect(matchPath('/spans/:traceId/:spanId', '/spans/abc/def')).toEqual({ traceId: 'abc', spanId: 'def' });
    expect(matchPath('/sessions/:sessionId', '/sessions/a%20b')).toEqual({ sessionId: 'a b' });
  });

  it('tells the search page from the span card and ignores a trailing slash', () => {
    expect(matchPath('/spans', '/spans/')).toEqual({});
    expect(matchPath('/spans', '/spans/abc/def')).toBeNull();
    expect(matchPath('/spans/:traceId/:spanId', '/spans')).toBeNull();
  });

  it('matches the dashboard only at the root', () => {
    expect(matchPath('/', '/')).toEqual({});
    expect(matchPath('/', '/sessions')).toBeNull();
  });

  it('does not match an empty id', () => {
    expect(matchPath('/chapters/:chapterId', '/chapters/')).toBeNull();
  });
});
