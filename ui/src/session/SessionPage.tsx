import { useMemo, useRef, useState } from 'react';
import { api } from '../api/client';
import type { Chapter, RrwebEvent, SessionAnswer } from '../api/types';
import { useApi } from '../api/useApi';
import { Await, Empty } from '../common/States';
import { formatClock, formatDuration, formatTime, statusClass } from '../format';
import { ReplayPlayer, type ReplayHandle } from '../replay/ReplayPlayer';
import { readableEvents, type ReadableEvent } from '../replay/readableEvents';
import { Link, useLocation } from '../router';
import { chapterFailed, sentRequest, shortUrl, type SentChapter } from './chapterFacts';
import { Timeline } from './Timeline';

/** A session (`/sessions/:sessionId`, `?t=` epoch microseconds to start at): the replay, its chapters, console and network. */
export function SessionPage({ sessionId }: { sessionId: string }) {
  const [answer, retry] = useApi(sessionId, (signal) => api.session(sessionId, signal));
  return (
    <main className="page session-page">
      <Await result={answer} what="session" retry={retry}>
        {(data) => <SessionView answer={data} />}
      </Await>
    </main>
  );
}

function SessionView({ answer }: { answer: SessionAnswer }) {
  const { session, chapters } = answer;
  const { search } = useLocation();
  const t = Number(search.get('t'));
  const startAt = Number.isFinite(t) && t > 0 ? t / 1000 : undefined;
  const [events, retry] = useApi(session.sessionId, (signal) => api.sessionEvents(session.sessionId, undefined, undefined, signal));

  return (
    <>
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href="/sessions">Sessions</Link> › session <span className="mono">{session.sessionId.slice(0, 12)}</span>
      </nav>
      <h1>{session.userEmail ?? session.userId ?? 'Anonymous visitor'}</h1>
      <p className="muted">
        {formatTime(session.firstSeen)} – {formatClock(session.lastSeen)} ({formatDuration(session.lastSeen - session.firstSeen)}) ·{' '}
        {plural(chapters.filter(sentRequest).length, 'request')} · {plural(session.errorCount, 'error')} · entered at{' '}
        <span className="mono">{session.entryUrl ?? 'unknown page'}</span>
        {session.service && ` · ${session.service}`}
      </p>
      <Await result={events} what="replay" retry={retry}>
        {(data) => <SessionReplay events={data.events} chapters={chapters} startAt={startAt} />}
      </Await>
    </>
  );
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function SessionReplay({ events, chapters, startAt }: { events: RrwebEvent[]; chapters: Chapter[]; startAt?: number }) {
  const player = useRef<ReplayHandle>(null);
  const [now, setNow] = useState<number | null>(startAt ?? null);
  const lines = useMemo(() => readableEvents(events), [events]);
  const consoleLines = lines.filter((line) => line.kind === 'error' || line.kind === 'console');
  const ordered = useMemo(() => [...chapters].sort((a, b) => a.sequence - b.sequence), [chapters]);
  const seek = (timeMs: number) => {
    player.current?.seek(timeMs);
    setNow(timeMs);
  };
  const current = now === null ? undefined : [...ordered].reverse().find((c) => c.firstEventTime / 1000 <= now);

  return (
    <div className="session-grid">
      <div className="session-main">
        <ReplayPlayer ref={player} events={events} startAt={startAt} playFromStart={startAt !== undefined} onTime={setNow} />
        {events.length >= 2 && (
          <Timeline
            start={events[0].timestamp}
            end={events[events.length - 1].timestamp}
            chapters={ordered.filter(sentRequest)}
            errors={consoleLines.filter((l) => l.kind === 'error')}
            now={now}
            onSeek={seek}
          />
        )}
        <ConsoleNetworkPanel consoleLines={consoleLines} requests={ordered.filter(sentRequest)} onSeek={seek} />
      </div>
      <aside className="chapter-list" aria-labelledby="chapters-heading">
        <h2 id="chapters-heading">Chapters</h2>
        {ordered.length === 0 ? (
          <Empty>
            <p>This session sent no traced request.</p>
          </Empty>
        ) : (
          <ol>
            {ordered.map((chapter) => (
              <li key={chapter.chapterId} className={chapter === current ? 'current' : undefined}>
                <button type="button" className="chapter-seek" onClick={() => seek(chapter.firstEventTime / 1000)}>
                  <span className="mono">#{chapter.sequence}</span> {chapter.method} {shortUrl(chapter.url)}{' '}
                  <span className={statusClass(chapter.status, chapter.error != null)}>{chapter.status ?? chapter.error ?? '—'}</span>
                  <span className="muted small"> {chapter.requestTime === null ? 'no request yet' : formatClock(chapter.requestTime)}</span>
                </button>
                <Link href={`/chapters/${chapter.chapterId}`} className="small">
                  Open chapter
                </Link>
              </li>
            ))}
          </ol>
        )}
      </aside>
    </div>
  );
}

function ConsoleNetworkPanel({
  consoleLines,
  requests,
  onSeek,
}: {
  consoleLines: ReadableEvent[];
  requests: SentChapter[];
  onSeek: (timeMs: number) => void;
}) {
  const [tab, setTab] = useState<'network' | 'console'>('network');
  return (
    <section className="panel" aria-label="Console and network">
      <div role="tablist" className="tabs">
        <button type="button" role="tab" aria-selected={tab === 'network'} onClick={() => setTab('network')}>
          Network ({requests.length})
        </button>
        <button type="button" role="tab" aria-selected={tab === 'console'} onClick={() => setTab('console')}>
          Console ({consoleLines.length})
        </button>
      </div>
      {tab === 'network' ? (
        <table className="network" role="tabpanel">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Request</th>
              <th scope="col">Status</th>
              <th scope="col">Duration</th>
              <th scope="col">Trace</th>
            </tr>
          </thead>
          <tbody>
            {requests.map((chapter) => (
              <tr key={chapter.chapterId} className={chapterFailed(chapter) ? 'failed' : undefined}>
                <td>
                  <button type="button" className="link" onClick={() => onSeek(chapter.requestTime / 1000)}>
                    {formatClock(chapter.requestTime)}
                  </button>
                </td>
                <td className="mono">
                  {chapter.method} {shortUrl(chapter.url)}
                </td>
                <td>
                  <span className={statusClass(chapter.status, chapter.error != null)}>{chapter.status ?? chapter.error ?? '—'}</span>
                </td>
                <td>{chapter.duration != null ? formatDuration(chapter.duration) : '—'}</td>
                <td>{chapter.traceId ? <Link href={`/traces/${chapter.traceId}`}>trace</Link> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : consoleLines.length === 0 ? (
        <p className="muted" role="tabpanel">
          No console error or message was recorded.
        </p>
      ) : (
        <ol className="event-lines" role="tabpanel">
          {consoleLines.map((line, i) => (
            <li key={i} className={`event-${line.kind}`}>
              <button type="button" className="link mono" onClick={() => onSeek(line.time)}>
                {formatClock(line.time * 1000)}
              </button>{' '}
              {line.text}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
