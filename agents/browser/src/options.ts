/** What {@link identify} records about the signed-in user. */
export interface RetrospectUser {
  /** Your user id, stored as the session's `userId`. */
  id?: string;
  /** The user's email, stored as the session's `userEmail` and searchable in the UI. */
  email?: string;
}

/** Options of {@link init}. Only `endpoint` and `service` are required. */
export interface RetrospectOptions {
  /** Origin (and optional path prefix) of the Retrospect server, e.g. `https://retrospect.example.com:3200`. */
  endpoint: string;
  /** `service.name` of the client spans and the session, e.g. `shop-web`. */
  service: string;
  /**
   * Write-only ingest key, when the server is started with `RETROSPECT_INGEST_KEYS`. Sent as
   * `?key=` on the upload URLs, not as a header, so uploads stay CORS "simple" requests (no
   * preflight) and `sendBeacon` carries it too. It only lets pages add data, never read it.
   * Default `undefined`: no key.
   */
  ingestKey?: string;
  /**
   * Origins besides the page's own that receive `traceparent` and `baggage` headers. A string is an
   * origin or a URL prefix (`https://api.example.com`, `https://cdn.example.com/api/`); a RegExp is
   * tested against the full URL. Default `[]`: same origin only. Other origins never get the headers.
   */
  propagateTo?: Array<string | RegExp>;
  /** Mask every input, textarea and select value (`*` per character). Default `true`. */
  maskAllInputs?: boolean;
  /**
   * CSS selector of extra elements whose text is masked, besides `.rr-mask`. Default none.
   */
  maskTextSelector?: string;
  /**
   * CSS selector of extra elements not recorded at all, besides `.rr-block` and `[data-retrospect-block]`.
   * Default none.
   */
  blockSelector?: string;
  /** Fraction of sessions recorded and traced, 0 to 1, decided once per session. Default `1`. */
  sessionSampleRate?: number;
  /** Event sampling. Default: no mouse movement, scroll every 150 ms, only the last value of an input burst. */
  sampling?: {
    /** `false` records no mouse movement; a number records it at most every so many ms. Default `false`. */
    mousemove?: boolean | number;
    /** Minimum ms between two scroll events of one element. Default `150`. */
    scroll?: number;
    /** `last` keeps only the final value of a burst of typing. Default `last`. */
    input?: 'all' | 'last';
  };
  /** Take a full DOM snapshot this often, so any stretch of the session replays on its own. Default 5 min. */
  checkoutEveryNms?: number;
  /** Send a batch at least this often while there are events. Default `5000` ms. */
  flushIntervalMs?: number;
  /** Send a batch early once its events reach this many bytes of JSON. Default 256 KiB. */
  maxBatchBytes?: number;
  /**
   * Most bytes of unsent batches kept while the server is unreachable; the oldest are dropped beyond
   * it and the drop is reported later. Counted as sent (gzip-compressed where the browser can).
   * Default 2 MiB.
   */
  maxBufferBytes?: number;
  /** Record console errors and unhandled errors and rejections as events. Default `true`. */
  captureErrors?: boolean;
}

/** The options with every default filled in. */
export type ResolvedOptions = Required<Omit<RetrospectOptions, 'sampling' | 'maskTextSelector' | 'blockSelector' | 'ingestKey'>> & {
  sampling: { mousemove: boolean | number; scroll: number; input: 'all' | 'last' };
  maskTextSelector: string | null;
  ingestKey: string | null;
  service: string;
  blockSelector: string;
};

export const DEFAULTS = {
  propagateTo: [] as Array<string | RegExp>,
  maskAllInputs: true,
  sessionSampleRate: 1,
  checkoutEveryNms: 5 * 60_000,
  flushIntervalMs: 5_000,
  maxBatchBytes: 256 * 1024,
  maxBufferBytes: 2 * 1024 * 1024,
  captureErrors: true,
} as const;

/** init was called without what it needs. */
export class ConfigurationError extends Error {}

const ALWAYS_BLOCKED = '[data-retrospect-block]';
const OTLP_PORTS = ['4317', '4318'];

export function resolveOptions(options: RetrospectOptions): ResolvedOptions {
  if (!options || typeof options.endpoint !== 'string' || !options.endpoint) {
    throw new ConfigurationError('Retrospect: init needs an endpoint, e.g. init({ endpoint: "https://retrospect.example.com:3200", service: "shop-web" })');
  }
  if (typeof options.service !== 'string' || !options.service) {
    throw new ConfigurationError('Retrospect: init needs a service name, e.g. init({ endpoint, service: "shop-web" })');
  }
  const url = new URL(options.endpoint, location.href);
  const endpoint = url.href.replace(/\/+$/, '');
  // The OTLP ports take no browser uploads (they answer no CORS), so every upload would fail with
  // only a CORS error in the console; say which port is meant instead.
  if (OTLP_PORTS.includes(url.port)) {
    console.warn(`Retrospect: endpoint ${endpoint} is an OTLP port, which browsers cannot send to; use Retrospect's UI port (3200 unless RETROSPECT_HTTP_PORT moved it)`);
  }
  return {
    ...DEFAULTS,
    ...stripUndefined(options),
    endpoint,
    service: options.service,
    sampling: { mousemove: false, scroll: 150, input: 'last', ...stripUndefined(options.sampling ?? {}) },
    maskTextSelector: options.maskTextSelector || null,
    ingestKey: options.ingestKey || null,
    blockSelector: options.blockSelector ? `${ALWAYS_BLOCKED},${options.blockSelector}` : ALWAYS_BLOCKED,
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
