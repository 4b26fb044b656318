import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveOptions } from '../src/options';

describe('endpoint', () => {
  afterEach(() => vi.restoreAllMocks());

  it('warns in the console when it is an OTLP port, which browsers cannot send to', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(resolveOptions({ endpoint: 'http://localhost:4318', service: 'shop-web' }).endpoint).toBe('http://localhost:4318');
    expect(warn).toHaveBeenCalledOnce();
    expect(warn.mock.calls[0][0]).toBe(
      "Retrospect: endpoint http://localhost:4318 is an OTLP port, which browsers cannot send to; use Retrospect's UI port (3200 unless RETROSPECT_HTTP_PORT moved it)",
    );
  });

  it('says nothing for the UI port or an origin without a port', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    resolveOptions({ endpoint: 'http://localhost:3200', service: 'shop-web' });
    resolveOptions({ endpoint: 'https://retrospect.example.com/ingest', service: 'shop-web' });
    expect(warn).not.toHaveBeenCalled();
  });
});
