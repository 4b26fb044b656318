import { newId128 } from './ids';
import type { SessionStore } from './session';

/** A chapter as the replay wire format reports it (times in epoch ms, duration in ms). */
export interface ChapterReport {
  chapterId: string;
  sequence: number;
  traceId: string | null;
  firstEventTime: number;
  requestTime: number | null;
  method: string | null;
  url: string | null;
  status: number | null;
  duration: number | null;
  error: string | null;
}

/** The request that closes a chapter. */
export interface ChapterRequest {
  traceId: string;
  requestTime: number;
  method: string;
  url: string;
}

/** What the browser saw of a chapter's request. */
export interface ChapterOutcome {
  status: number | null;
  duration: number | null;
  error: string | null;
}

/**
 * The session's sequence of chapters: one is always open; each traced request closes it (taking the
 * request's trace id) and opens the next. Reports of chapters that changed wait here for the next batch.
 */
export class Chapters {
  private pending = new Map<string, ChapterReport>();

  constructor(private readonly session: SessionStore) {}

  /** The open chapter, opening one if the session has none yet. */
  open(now: number): ChapterReport {
    const stored = this.session.current.openChapter;
    if (stored) return this.pending.get(stored.id) ?? blank(stored.id, stored.sequence, stored.firstEventTime);
    return this.openNext(now);
  }

  /** Closes the open chapter with this request and opens the next one; returns the closed chapter. */
  close(request: ChapterRequest): ChapterReport {
    const closing = this.open(request.requestTime);
    const closed: ChapterReport = { ...closing, ...request };
    this.pending.set(closed.chapterId, closed);
    this.openNext(request.requestTime);
    return closed;
  }

  /** Records the response (or network error) of a closed chapter's request. */
  complete(chapter: ChapterReport, outcome: ChapterOutcome): void {
    this.pending.set(chapter.chapterId, { ...chapter, ...outcome });
  }

  /** Chapter reports not yet put in a batch, in sequence order; clears them. */
  takeReports(): ChapterReport[] {
    const reports = [...this.pending.values()].sort((a, b) => a.sequence - b.sequence);
    this.pending.clear();
    return reports;
  }

  get hasReports(): boolean {
    return this.pending.size > 0;
  }

  /** Forgets reports of a session that has ended (they were flushed before it was renewed). */
  reset(): void {
    this.pending.clear();
  }

  private openNext(now: number): ChapterReport {
    const sequence = this.session.current.nextChapterSequence;
    const id = newId128();
    this.session.update({ nextChapterSequence: sequence + 1, openChapter: { id, sequence, firstEventTime: now } });
    const report = blank(id, sequence, now);
    this.pending.set(id, report);
    return report;
  }
}

function blank(chapterId: string, sequence: number, firstEventTime: number): ChapterReport {
  return {
    chapterId, sequence, traceId: null, firstEventTime,
    requestTime: null, method: null, url: null, status: null, duration: null, error: null,
  };
}
