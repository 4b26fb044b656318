import { beforeEach, describe, expect, it } from 'vitest';
import { INACTIVITY_MS, MAX_SESSION_MS, SessionStore } from '../src/session';

const T0 = Date.parse('2026-11-26T10:00:00Z');

describe('session', () => {
  beforeEach(() => sessionStorage.clear());

  it('lives in sessionStorage, so the next page of the tab continues it', () => {
    const first = new SessionStore(sessionStorage, 1, T0);
    first.takeBatchSequence();
    first.takeBatchSequence();
    const nextPage = new SessionStore(sessionStorage, 1, T0 + 60_000);
    expect(nextPage.current.id).toBe(first.current.id);
    expect(nextPage.current.id).toMatch(/^[0-9a-f]{32}$/);
    expect(nextPage.takeBatchSequence()).toBe(2);
  });

  it('expires after 30 minutes without activity', () => {
    const s = new SessionStore(sessionStorage, 1, T0);
    s.touch(T0 + 10 * 60_000);
    expect(s.expired(T0 + 10 * 60_000 + INACTIVITY_MS)).toBe(false);
    expect(s.expired(T0 + 10 * 60_000 + INACTIVITY_MS + 1)).toBe(true);
    const later = new SessionStore(sessionStorage, 1, T0 + 10 * 60_000 + INACTIVITY_MS + 1);
    expect(later.current.id).not.toBe(s.current.id);
    expect(later.current.nextBatchSequence).toBe(0);
  });

  it('expires 4 hours after it began however active it is', () => {
    const s = new SessionStore(sessionStorage, 1, T0);
    for (let t = T0; t < T0 + MAX_SESSION_MS; t += 60_000) s.touch(t);
    expect(s.expired(T0 + MAX_SESSION_MS)).toBe(false);
    expect(s.expired(T0 + MAX_SESSION_MS + 1)).toBe(true);
  });

  it('a renewed session gets a new id and fresh sequences but keeps the signed-in user', () => {
    const s = new SessionStore(sessionStorage, 1, T0);
    s.update({ userId: 'u-42', userEmail: 'ivan@gmail.com', nextChapterSequence: 5 });
    s.takeBatchSequence();
    const old = s.current.id;
    const renewed = s.renew(T0 + INACTIVITY_MS + 1);
    expect(renewed.id).not.toBe(old);
    expect(renewed).toMatchObject({ userId: 'u-42', userEmail: 'ivan@gmail.com', nextBatchSequence: 0, nextChapterSequence: 0, openChapter: null });
  });

  it('works without storage (sandboxed frames): the session lasts as long as the page', () => {
    const s = new SessionStore(null, 1, T0);
    expect(s.takeBatchSequence()).toBe(0);
    expect(s.takeBatchSequence()).toBe(1);
  });

  it('decides sampling once per session', () => {
    expect(new SessionStore(sessionStorage, 0, T0).current.sampled).toBe(false);
    sessionStorage.clear();
    expect(new SessionStore(sessionStorage, 1, T0).current.sampled).toBe(true);
  });
});
