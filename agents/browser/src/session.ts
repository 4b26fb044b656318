import { newId128 } from './ids';

/** A session ends after this long without user activity... */
export const INACTIVITY_MS = 30 * 60_000;
/** ...or this long after it began, whichever comes first. */
export const MAX_SESSION_MS = 4 * 60 * 60_000;

/** The chapter still waiting for its request, carried across page loads of one session. */
export interface OpenChapter {
  id: string;
  sequence: number;
  firstEventTime: number;
}

/** Everything the agent keeps per session; lives in sessionStorage so that later pages of the tab continue it. */
export interface SessionRecord {
  id: string;
  startedAt: number;
  lastActivity: number;
  sampled: boolean;
  /** Batch sequence numbers continue across page loads: a new page's batch 0 would look like a retry. */
  nextBatchSequence: number;
  nextChapterSequence: number;
  openChapter: OpenChapter | null;
  entryUrl: string;
  userId: string | null;
  userEmail: string | null;
}

const KEY = 'retrospect.session';
/** Activity is written back at most this often; a stale lastActivity only shortens a session by seconds. */
const ACTIVITY_WRITE_MS = 5_000;

/** The tab's current session: loaded from sessionStorage, renewed when it has expired. */
export class SessionStore {
  private record: SessionRecord;
  private savedActivity = 0;

  constructor(
    private readonly storage: Storage | null,
    private readonly sampleRate: number,
    now: number,
  ) {
    const loaded = this.load();
    this.record = loaded && !isExpired(loaded, now) ? loaded : this.fresh(now);
    this.save();
  }

  get current(): SessionRecord {
    return this.record;
  }

  /** True when the session has expired at `now`; the caller then calls {@link renew}. */
  expired(now: number): boolean {
    return isExpired(this.record, now);
  }

  /** Starts a new session, keeping the signed-in user. */
  renew(now: number): SessionRecord {
    const { userId, userEmail } = this.record;
    this.record = { ...this.fresh(now), userId, userEmail };
    this.save();
    return this.record;
  }

  /** Notes user activity at `now`, extending the session. */
  touch(now: number): void {
    this.record.lastActivity = now;
    if (now - this.savedActivity >= ACTIVITY_WRITE_MS) this.save();
  }

  update(patch: Partial<SessionRecord>): void {
    Object.assign(this.record, patch);
    this.save();
  }

  takeBatchSequence(): number {
    const n = this.record.nextBatchSequence;
    this.update({ nextBatchSequence: n + 1 });
    return n;
  }

  private fresh(now: number): SessionRecord {
    return {
      id: newId128(),
      startedAt: now,
      lastActivity: now,
      sampled: Math.random() < this.sampleRate,
      nextBatchSequence: 0,
      nextChapterSequence: 0,
      openChapter: null,
      entryUrl: location.href,
      userId: null,
      userEmail: null,
    };
  }

  private load(): SessionRecord | null {
    try {
      const raw = this.storage?.getItem(KEY);
      if (!raw) return null;
      const r = JSON.parse(raw) as SessionRecord;
      return typeof r.id === 'string' && /^[0-9a-f]{32}$/.test(r.id) && typeof r.startedAt === 'number' ? r : null;
    } catch {
      return null;
    }
  }

  private save(): void {
    this.savedActivity = this.record.lastActivity;
    try {
      this.storage?.setItem(KEY, JSON.stringify(this.record));
    } catch {
      // Storage full or forbidden (sandboxed frame): the session then lasts as long as the page.
    }
  }
}

function isExpired(r: SessionRecord, now: number): boolean {
  return now - r.lastActivity > INACTIVITY_MS || now - r.startedAt > MAX_SESSION_MS;
}

/** sessionStorage, or null where touching it throws (sandboxed iframes, some privacy modes). */
export function tabStorage(): Storage | null {
  try {
    const s = window.sessionStorage;
    s.getItem(KEY);
    return s;
  } catch {
    return null;
  }
}
