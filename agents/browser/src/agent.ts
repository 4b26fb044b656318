import { record } from 'rrweb';
import { Chapters } from './chapters';
import { watchPageErrors, type PageError } from './errors';
import { tracedNavigation } from './navigation';
import { patchNetwork } from './network';
import type { ResolvedOptions, RetrospectUser } from './options';
import { otlpJson, type ClientSpan } from './otlp';
import { inputMasking } from './privacy';
import { PropagationRules } from './propagation';
import { SessionStore, tabStorage } from './session';
import { RequestTracer } from './tracing';
import { nativeGzip, Transport, type DropReport, type TransportEnv } from './transport';

declare const __VERSION__: string;
export const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0';

/** rrweb event types and incremental sources the agent looks at. */
const EVENT_CUSTOM = 5;
const EVENT_INCREMENTAL = 3;
/** Mouse clicks, scroll, input, touch, media and drag: what a person does, as opposed to the page. */
const USER_SOURCES = new Set([2, 3, 5, 6, 7, 12]);

interface RecordedEvent {
  type: number;
  data: { source?: number } & Record<string, unknown>;
  timestamp: number;
}

/**
 * One running agent: records the page with rrweb, traces the page's requests into chapters, and
 * sends replay batches and client spans to the Retrospect server.
 */
export class Agent {
  private readonly session: SessionStore;
  private readonly chapters: Chapters;
  private readonly transport: Transport;
  private events: string[] = [];
  private eventBytes = 0;
  private errorCount = 0;
  private spans: ClientSpan[] = [];
  /**
   * Whether the next batch carries the session details (user agent, entry URL, user): the first
   * batch of each page, after identify, after a new session, and after batches were dropped.
   * The server keeps them, so repeating them in every batch would only cost bytes.
   */
  private sessionInfoDue = true;
  private readonly cleanups: Array<() => void> = [];

  constructor(
    private readonly options: ResolvedOptions,
    private readonly win: Window & typeof globalThis,
    transportEnv: TransportEnv = browserTransportEnv(win),
  ) {
    const now = Date.now();
    this.session = new SessionStore(tabStorage(), options.sessionSampleRate, now);
    this.session.touch(now);
    this.chapters = new Chapters(this.session);
    this.transport = new Transport(options.endpoint, options.maxBufferBytes, transportEnv, ignore);
  }

  /** Starts recording and tracing; false when this session is not sampled. */
  start(): boolean {
    if (!this.session.current.sampled) return false;
    const o = this.options;
    this.openFirstChapter();
    const rules = new PropagationRules(this.win.location.origin, o.endpoint, o.propagateTo);
    const tracer = new RequestTracer(rules, this.chapters, {
      sessionId: () => this.session.current.id,
      span: (span) => this.spans.push(span),
    });
    this.cleanups.push(patchNetwork(this.win, tracer, ignore));
    if (o.captureErrors) this.cleanups.push(watchPageErrors(this.win, (e) => this.pageError(e)));

    const stopRecording = record({
      emit: (event) => this.onEvent(event as unknown as RecordedEvent),
      checkoutEveryNms: o.checkoutEveryNms,
      blockClass: 'rr-block',
      blockSelector: o.blockSelector,
      maskTextClass: 'rr-mask',
      maskTextSelector: o.maskTextSelector ?? undefined,
      ...inputMasking(o.maskAllInputs),
      sampling: { mousemove: o.sampling.mousemove, scroll: o.sampling.scroll, input: o.sampling.input },
      // Scripts, comments and head metadata do not change what a replay shows; leaving them out saves bytes.
      slimDOMOptions: 'all',
      errorHandler: () => true,
    });
    if (stopRecording) this.cleanups.push(stopRecording);

    const timer = this.win.setInterval(() => this.flush(), o.flushIntervalMs);
    this.cleanups.push(() => this.win.clearInterval(timer));
    const onHidden = () => {
      if (this.win.document.visibilityState === 'hidden') this.flush();
    };
    // pagehide is the last moment: the batch goes by sendBeacon, with no time to compress it.
    const onPageHide = () => {
      this.flush();
      this.transport.sendAllNow();
    };
    this.win.document.addEventListener('visibilitychange', onHidden);
    this.win.addEventListener('pagehide', onPageHide);
    this.cleanups.push(() => {
      this.win.document.removeEventListener('visibilitychange', onHidden);
      this.win.removeEventListener('pagehide', onPageHide);
    });
    return true;
  }

  identify(user: RetrospectUser): void {
    this.session.update({ userId: user?.id ?? null, userEmail: user?.email ?? null });
    this.sessionInfoDue = true;
  }

  /** Stops recording and tracing; what was recorded is still sent. */
  stop(): void {
    for (const cleanup of this.cleanups.splice(0).reverse()) {
      try {
        cleanup();
      } catch {
        // Keep undoing the rest.
      }
    }
    this.flush();
  }

  /**
   * A full-page load whose server announced its trace closes the chapter that led up to it (from
   * the previous page of the session, or a first chapter) with that trace id.
   */
  private openFirstChapter(): void {
    const navigation = tracedNavigation(this.win.performance);
    if (!navigation) {
      this.chapters.open(Date.now());
      return;
    }
    const { status, duration, ...request } = navigation;
    const closed = this.chapters.close(request);
    this.chapters.complete(closed, { status, duration, error: null });
  }

  private onEvent(event: RecordedEvent): void {
    try {
      const now = event.timestamp;
      if (event.type === EVENT_INCREMENTAL && USER_SOURCES.has(event.data.source ?? -1)) this.userActivity(now);
      const json = JSON.stringify(event);
      this.events.push(json);
      this.eventBytes += json.length;
      if (this.eventBytes >= this.options.maxBatchBytes) this.flush();
    } catch {
      // An event we cannot keep is lost; the page never notices.
    }
  }

  /** Extends the session, or starts a new one (with a fresh full snapshot) if it expired while idle. */
  private userActivity(now: number): void {
    if (this.session.expired(now)) {
      this.flush();
      this.session.renew(now);
      this.sessionInfoDue = true;
      this.chapters.reset();
      this.chapters.open(now);
      // Not from inside rrweb's emit: a snapshot taken there would interleave with this event.
      this.win.setTimeout(() => {
        try {
          record.takeFullSnapshot(true);
        } catch {
          // Recording has stopped meanwhile.
        }
      }, 0);
    }
    this.session.touch(now);
  }

  private pageError(error: PageError): void {
    this.errorCount++;
    try {
      record.addCustomEvent('error', error);
    } catch {
      // rrweb has not started yet (it waits for the load event): the count still goes out.
    }
  }

  /** Puts everything recorded so far into a replay batch and the finished spans into an OTLP request. */
  private flush(): void {
    try {
      // Asked before the spans are queued: the report waits for an empty queue.
      const dropped = this.transport.takeDropReport();
      this.flushSpans();
      this.flushReplay(dropped);
    } catch {
      // Never let a failed flush reach a page timer or event handler.
    }
  }

  private flushSpans(): void {
    if (this.spans.length === 0) return;
    const spans = this.spans.splice(0);
    this.transport.enqueue('/v1/traces', otlpJson(this.options.service, VERSION, spans), 0);
  }

  private flushReplay(dropped: DropReport | null): void {
    if (dropped) {
      this.sessionInfoDue = true;
      this.events.push(JSON.stringify({ type: EVENT_CUSTOM, data: { tag: 'retrospect.dropped', payload: dropped }, timestamp: Date.now() }));
    }
    if (this.events.length === 0 && !this.chapters.hasReports) return;
    const s = this.session.current;
    const events = this.events.splice(0);
    this.eventBytes = 0;
    const errorCount = this.errorCount;
    this.errorCount = 0;
    const head = JSON.stringify({
      sessionId: s.id,
      sequence: this.session.takeBatchSequence(),
      service: this.options.service,
      session: this.sessionInfoDue
        ? { userAgent: this.win.navigator.userAgent, entryUrl: s.entryUrl, userId: s.userId, userEmail: s.userEmail }
        : undefined,
      chapters: this.chapters.takeReports(),
      errorCount,
    });
    // Events were serialized one by one as they came (to measure the batch); splice them in as text.
    const body = `${head.slice(0, -1)},"events":[${events.join(',')}]}`;
    this.sessionInfoDue = false;
    this.transport.enqueue('/v1/replay', body, events.length);
  }
}

function browserTransportEnv(win: Window & typeof globalThis): TransportEnv {
  // Captured before the agent wraps fetch, so the agent's own requests are never traced.
  const fetch = win.fetch.bind(win);
  const nav = win.navigator;
  return {
    fetch,
    sendBeacon: typeof nav.sendBeacon === 'function' ? (url, data) => nav.sendBeacon(url, data) : null,
    gzip: nativeGzip(),
    setTimeout: (fn, ms) => win.setTimeout(fn, ms),
    clearTimeout: (handle) => win.clearTimeout(handle as number),
    random: Math.random,
  };
}

function ignore(): void {
  // Failures inside the agent are swallowed on purpose: the page must never see them.
}
