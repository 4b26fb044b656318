/**
 * Which requests get trace headers, and how the headers read. Headers go to the page's own origin and
 * to what `propagateTo` allows, never to other origins and never to the collector itself.
 */
export class PropagationRules {
  private readonly prefixes: URL[] = [];
  private readonly patterns: RegExp[] = [];

  constructor(
    private readonly pageOrigin: string,
    private readonly endpoint: string,
    propagateTo: ReadonlyArray<string | RegExp>,
  ) {
    for (const rule of propagateTo) {
      if (rule instanceof RegExp) this.patterns.push(rule);
      else if (typeof rule === 'string') {
        try {
          this.prefixes.push(new URL(rule));
        } catch {
          // An entry that is not an absolute URL allows nothing.
        }
      }
    }
  }

  /** The absolute URL of a request if it should carry trace headers, else null. */
  traceable(url: string | URL): URL | null {
    let u: URL;
    try {
      u = new URL(String(url), document.baseURI);
    } catch {
      return null;
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    if (this.isCollector(u)) return null;
    if (u.origin === this.pageOrigin) return u;
    // Compare origins first so that "https://api.example.com" never matches "https://api.example.com.evil.io".
    if (this.prefixes.some((p) => p.origin === u.origin && u.href.startsWith(p.href))) return u;
    if (this.patterns.some((p) => { p.lastIndex = 0; return p.test(u.href); })) return u;
    return null;
  }

  isCollector(u: URL): boolean {
    return (u.href + '/').startsWith(this.endpoint + '/');
  }
}

/** W3C traceparent of a sampled span. */
export function traceparent(traceId: string, spanId: string): string {
  return `00-${traceId}-${spanId}-01`;
}

/** The trace id of a valid traceparent header value, else null. */
export function traceIdOf(header: string | null | undefined): string | null {
  const m = /^\s*[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}/i.exec(header ?? '');
  return m && !/^0+$/.test(m[1]) ? m[1].toLowerCase() : null;
}

/**
 * W3C baggage with our members set: the page's own members are kept, ours replace any of the same key.
 */
export function mergeBaggage(existing: string | null | undefined, members: Record<string, string>): string {
  const ours = Object.entries(members).map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
  const kept = (existing ?? '')
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m && !(m.split('=')[0].trim() in members));
  return [...kept, ...ours].join(',');
}
