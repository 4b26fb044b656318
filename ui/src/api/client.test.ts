import { describe, expect, it } from 'vitest';
import { apiUrl, sessionEventsUrl, sessionsUrl, spansExportUrl, spansUrl } from './client';

describe('API client URLs', () => {
  it('puts every set span filter in the query and leaves unset ones out', () => {
    const url = spansUrl(
      { q: ' ivan@gmail.com ', service: 'api', status: '5xx', from: 1_000, to: 2_000, minDuration: 5, sort: 'longest' },
      50,
      'c1',
    );
    const params = new URL(url, 'http://x').searchParams;
    expect(url.startsWith('/api/spans?')).toBe(true);
    expect(Object.fromEntries(params)).toEqual({
      q: 'ivan@gmail.com',
      service: 'api',
      status: '5xx',
      from: '1000',
      to: '2000',
      minDuration: '5',
      sort: 'longest',
      limit: '50',
      cursor: 'c1',
    });
  });

  it('asks for no filter at all when the search is empty', () => {
    expect(spansUrl({ q: '', service: undefined })).toBe('/api/spans');
  });

  it('exports exactly the search shown, in the asked format, without paging', () => {
    const url = spansExportUrl({ q: 'dale', status: 'error', sort: 'oldest' }, 'csv');
    expect(url).toBe('/api/spans/export?format=csv&q=dale&status=error&sort=oldest');
  });

  it('encodes characters that would change the query', () => {
    const url = spansUrl({ q: 'a&b=c #d' });
    expect(new URL(url, 'http://x').searchParams.get('q')).toBe('a&b=c #d');
  });

  it('asks for sessions with errors only when the box is ticked', () => {
    expect(sessionsUrl({ q: 'ivan', errors: true }, 20)).toBe('/api/sessions?q=ivan&errors=true&limit=20');
    expect(sessionsUrl({ errors: false })).toBe('/api/sessions');
  });

  it('asks for a chapter stretch of replay events by session and time range', () => {
    expect(sessionEventsUrl('ab'.repeat(16), 10, 20)).toBe(`/api/sessions/${'ab'.repeat(16)}/events?from=10&to=20`);
  });

  it('keeps zero, which is a real bound', () => {
    expect(apiUrl('/p', { from: 0, flag: false })).toBe('/p?from=0&flag=false');
  });
});
