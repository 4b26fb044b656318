/** One payload on its way to the server. */
interface Outgoing {
  path: '/v1/replay' | '/v1/traces';
  /** JSON text, or its gzip bytes once compressed. */
  body: string | Uint8Array;
  events: number;
  attempts: number;
  /** Being sent with keepalive: the browser finishes it even if the page goes away. */
  inFlightKeepalive: boolean;
  /** Pushed out of the buffer while in flight: counted as dropped if that last attempt fails. */
  evicted: boolean;
}

/** What the transport dropped while the server was unreachable, reported in a later batch. */
export interface DropReport {
  batches: number;
  events: number;
  /** The most the buffer held meanwhile: never more than maxBufferBytes. */
  peakBufferedBytes: number;
  maxBufferBytes: number;
}

/** The parts of the browser the transport uses; tests give fakes. */
export interface TransportEnv {
  fetch: typeof fetch;
  sendBeacon: ((url: string, data: Blob) => boolean) | null;
  gzip: ((text: string) => Promise<Uint8Array>) | null;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
  random: () => number;
}

/** fetch keepalive bodies share a 64 KiB budget per page; stay under it with room for headers. */
export const KEEPALIVE_MAX_BYTES = 60_000;
export const RETRY_BASE_MS = 1_000;
export const RETRY_MAX_MS = 60_000;
const RETRY_AFTER_MAX_MS = 5 * 60_000;

/**
 * Sends replay batches and client spans in order, one at a time. Payloads wait in a bounded buffer
 * while the server is unreachable or shedding load (network error, 429, 502, 503, 504), retried with
 * exponential backoff and jitter, honouring `Retry-After`. Beyond the bound the oldest are dropped
 * and counted. Any other answer (a 400 or 413 for a batch the server will never take) ends the payload.
 */
export class Transport {
  /** Admitted payloads, oldest first; their sizes add up to at most maxBufferBytes. */
  private queue: Outgoing[] = [];
  /** Payloads being compressed, in order; admitted to the queue when done. */
  private compressing: Outgoing[] = [];
  private admissions: Promise<void> = Promise.resolve();
  private bytes = 0;
  private sending = false;
  private inFlight: Outgoing | null = null;
  private retryTimer: unknown = null;
  private dropped = { batches: 0, events: 0 };
  private peakBytes = 0;
  private stopped = false;

  constructor(
    private readonly endpoint: string,
    private readonly maxBufferBytes: number,
    private readonly env: TransportEnv,
    private readonly onError: (e: unknown) => void,
  ) {}

  /** Queues a JSON payload; it is compressed (where the browser can) and sent in order. */
  enqueue(path: Outgoing['path'], json: string, events: number): void {
    const item: Outgoing = { path, body: json, events, attempts: 0, inFlightKeepalive: false, evicted: false };
    const gzip = this.env.gzip;
    if (!gzip) {
      this.admit(item);
      return;
    }
    this.compressing.push(item);
    const compressed = gzip(json).then(
      (bytes) => {
        item.body = bytes;
      },
      () => undefined, // compression failed: the JSON goes as it is
    );
    // Admitted in the order enqueued, whichever compression finishes first.
    this.admissions = this.admissions
      .then(() => compressed)
      .then(() => {
        const index = this.compressing.indexOf(item);
        if (index < 0) return; // handed to sendBeacon meanwhile
        this.compressing.splice(index, 1);
        this.admit(item);
      })
      .catch(this.onError);
  }

  /** Bytes held in the buffer now: compressed size where compressed, else JSON length. */
  get bufferedBytes(): number {
    return this.bytes;
  }

  get pending(): number {
    return this.queue.length + this.compressing.length;
  }

  /**
   * Drops since the last report, once the backlog has gone out (so that the report itself is not
   * lost to the same outage); null when there is nothing to report yet.
   */
  takeDropReport(): DropReport | null {
    if (this.dropped.batches === 0 || this.pending > 0) return null;
    const report = { ...this.dropped, peakBufferedBytes: this.peakBytes, maxBufferBytes: this.maxBufferBytes };
    this.dropped = { batches: 0, events: 0 };
    this.peakBytes = 0;
    return report;
  }

  /**
   * The page is going away: hands everything still buffered to the browser at once, replay with
   * `sendBeacon` (it outlives the page), spans with `fetch` keepalive (they need a JSON content type,
   * which a beacon cannot send cross-origin without a preflight).
   */
  sendAllNow(): void {
    this.env.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const items = [...this.queue.splice(0), ...this.compressing.splice(0)];
    this.bytes = 0;
    for (const item of items) {
      if (item.inFlightKeepalive) continue;
      try {
        const size = item.body.length;
        let sent = false;
        if (item.path === '/v1/replay' && this.env.sendBeacon) {
          sent = this.env.sendBeacon(this.endpoint + item.path, new Blob([item.body as BlobPart], { type: 'text/plain' }));
        }
        if (!sent && size < KEEPALIVE_MAX_BYTES) {
          this.env.fetch(this.endpoint + item.path, this.requestInit(item, true)).catch(() => undefined);
        }
      } catch (e) {
        this.onError(e);
      }
    }
  }

  stop(): void {
    this.stopped = true;
    this.env.clearTimeout(this.retryTimer);
  }

  private admit(item: Outgoing): void {
    this.queue.push(item);
    this.bytes += item.body.length;
    this.bound();
    void this.pump();
  }

  /**
   * Drops the oldest payloads until the buffer fits its bound (a payload larger than the whole
   * bound goes too). One in flight leaves the buffer at once but counts as dropped only if that
   * attempt fails: it is then not retried.
   */
  private bound(): void {
    while (this.bytes > this.maxBufferBytes && this.queue.length > 0) {
      const old = this.queue.shift()!;
      this.bytes -= old.body.length;
      if (old === this.inFlight) old.evicted = true;
      else this.countDrop(old);
    }
    this.peakBytes = Math.max(this.peakBytes, this.bytes);
  }

  private countDrop(item: Outgoing): void {
    this.dropped.batches++;
    this.dropped.events += item.events;
  }

  private async pump(): Promise<void> {
    if (this.sending || this.retryTimer !== null || this.stopped || this.queue.length === 0) return;
    this.sending = true;
    const item = this.queue[0];
    this.inFlight = item;
    try {
      item.inFlightKeepalive = item.body.length < KEEPALIVE_MAX_BYTES;
      let response: Response;
      try {
        response = await this.env.fetch(this.endpoint + item.path, this.requestInit(item, item.inFlightKeepalive));
      } catch {
        this.failed(item, null);
        return;
      } finally {
        item.inFlightKeepalive = false;
      }
      if (retryable(response.status)) this.failed(item, retryAfterMs(response.headers.get('retry-after')));
      else this.finish(item);
    } catch (e) {
      this.onError(e);
      this.finish(item);
    } finally {
      this.inFlight = null;
      this.sending = false;
      void this.pump();
    }
  }

  private finish(item: Outgoing): void {
    const index = this.queue.indexOf(item);
    if (index < 0) return;
    this.queue.splice(index, 1);
    this.bytes -= item.body.length;
  }

  private failed(item: Outgoing, retryAfter: number | null): void {
    if (item.evicted) {
      this.countDrop(item);
      return;
    }
    if (!this.queue.includes(item)) return; // handed to sendBeacon meanwhile
    item.attempts++;
    const backoff = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (item.attempts - 1));
    // Full jitter between half and all of the backoff keeps a fleet of tabs from retrying in step.
    const delay = retryAfter ?? backoff * (0.5 + this.env.random() / 2);
    this.retryTimer = this.env.setTimeout(() => {
      this.retryTimer = null;
      void this.pump();
    }, delay);
  }

  private requestInit(item: Outgoing, keepalive: boolean): RequestInit {
    const gzipped = typeof item.body !== 'string';
    // Replay goes as text/plain, a "simple" request: no CORS preflight, and sendBeacon can send the
    // same thing. The server finds gzip by its magic bytes. OTLP needs a JSON content type.
    const headers: Record<string, string> =
      item.path === '/v1/replay'
        ? { 'Content-Type': 'text/plain' }
        : { 'Content-Type': 'application/json', ...(gzipped ? { 'Content-Encoding': 'gzip' } : {}) };
    return { method: 'POST', body: item.body as BodyInit, headers, keepalive, credentials: 'omit', mode: 'cors' };
  }
}

function retryable(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

/** `Retry-After` as seconds or an HTTP date, capped; null when absent or unreadable. */
export function retryAfterMs(header: string | null): number | null {
  if (!header) return null;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), RETRY_AFTER_MAX_MS) : null;
}

/** gzip with the browser's CompressionStream, or null where the browser has none. */
export function nativeGzip(): ((text: string) => Promise<Uint8Array>) | null {
  if (typeof CompressionStream !== 'function') return null;
  return async (text) => {
    const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  };
}
