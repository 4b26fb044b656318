/** Wire types of the query API, exactly as docs/api.md specifies them. Times and durations are epoch microseconds. */

export type AttributeValue =
  | string
  | number
  | boolean
  | null
  | AttributeValue[]
  | { [key: string]: AttributeValue };

export type Attributes = Record<string, AttributeValue>;

export type SpanKind = 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER' | 'UNSPECIFIED';

export interface SpanStatus {
  code: 'UNSET' | 'OK' | 'ERROR';
  message: string;
}

export interface SpanEvent {
  time: number;
  name: string;
  attributes: Attributes;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  attributes: Attributes;
}

export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  service: string;
  name: string;
  kind: SpanKind;
  startTime: number;
  duration: number;
  status: SpanStatus;
  httpStatus: number | null;
  attributes: Attributes;
  resource: Attributes;
  events: SpanEvent[];
  links: SpanLink[];
  sessionId: string | null;
  chapterId: string | null;
}

export interface Chapter {
  chapterId: string;
  sessionId: string;
  sequence: number;
  traceId: string | null;
  firstEventTime: number;
  /** Null while the chapter is open: the user has not sent its request yet. */
  requestTime: number | null;
  method: string | null;
  url: string | null;
  status: number | null;
  duration: number | null;
  error: string | null;
}

export interface Session {
  sessionId: string;
  firstSeen: number;
  lastSeen: number;
  service: string | null;
  userAgent: string | null;
  entryUrl: string | null;
  userId: string | null;
  userEmail: string | null;
  chapterCount: number;
  eventCount: number;
  errorCount: number;
}

/** The first service names, sorted; `truncated` when there are more than the server lists. */
export interface ServicesAnswer {
  services: string[];
  truncated: boolean;
}

export interface SpanPage {
  spans: Span[];
  nextCursor: string | null;
}

export interface TraceAnswer {
  traceId: string;
  spans: Span[];
  chapter: Chapter | null;
  session: Session | null;
}

export interface ChapterAnswer {
  chapter: Chapter;
  spans: Span[];
  session: Session | null;
  events: { from: number; to: number };
}

export interface SessionPage {
  sessions: Session[];
  nextCursor: string | null;
}

export interface SessionAnswer {
  session: Session;
  chapters: Chapter[];
}

/** An rrweb event as recorded in the browser: `timestamp` is epoch milliseconds. */
export interface RrwebEvent {
  type: number;
  // rrweb's payload differs per event type; readers narrow it where they use it.
  data: any;
  timestamp: number;
}

export interface EventsAnswer {
  events: RrwebEvent[];
}

export type SpanSort = 'newest' | 'oldest' | 'longest' | 'shortest';

/** A span search as the API takes it; every field optional, absent means "no filter". */
export interface SpanSearch {
  q?: string;
  service?: string;
  status?: string;
  from?: number;
  to?: number;
  minDuration?: number;
  maxDuration?: number;
  sort?: SpanSort;
}

export interface SessionSearch {
  q?: string;
  from?: number;
  to?: number;
  errors?: boolean;
}
