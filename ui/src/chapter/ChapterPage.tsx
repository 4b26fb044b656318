import { useMemo } from 'react';
import { api } from '../api/client';
import type { ChapterAnswer, RrwebEvent } from '../api/types';
import { useApi } from '../api/useApi';
import { Await, Empty } from '../common/States';
import { formatClock, formatDuration, formatTime, statusClass } from '../format';
import { ReplayPlayer } from '../replay/ReplayPlayer';
import { readableEvents } from '../replay/readableEvents';
import { Link, navigate, useLocation } from '../router';
import { SpanDetails } from '../spans/SpanDetails';
import { SpansTable } from '../spans/SpansTable';
import { Waterfall } from '../waterfall/Waterfall';

/**
 * A chapter (`/chapters/:chapterId`, `?span=` selects a span): the request's trace and what the
 * user did in the browser just before sending it, with a player limited to that stretch.
 */
export function ChapterPage({ chapterId }: { chapterId: string }) {
  const [answer, retry] = useApi(chapterId, (signal) => api.chapter(chapterId, signal));
  return (
    <main className="page chapter-page">
      <Await result={answer} what="chapter" retry={retry}>
        {(data) => <ChapterView answer={data} />}
      </Await>
    </main>
  );
}

function ChapterView({ answer }: { answer: ChapterAnswer }) {
  const { chapter, spans, session } = answer;
  const { search } = useLocation();
  const selected = spans.find((s) => s.spanId === search.get('span'));
  const [events, retry] = useApi(`${chapter.sessionId}:${answer.events.from}:${answer.events.to}`, (signal) =>
    api.sessionEvents(chapter.sessionId, answer.events.from, answer.events.to, signal),
  );
  const fromMs = answer.events.from / 1000;

  return (
    <>
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href="/sessions">Sessions</Link> ›{' '}
        <Link href={`/sessions/${chapter.sessionId}`}>{session?.userEmail ?? `session ${chapter.sessionId.slice(0, 8)}`}</Link> ›
        chapter #{chapter.sequence}
      </nav>
      <h1>
        {chapter.method ?? 'Request'} <span className="mono">{chapter.url ?? '(unknown URL)'}</span>{' '}
        {chapter.status != null && <span className={statusClass(chapter.status)}>{chapter.status}</span>}
      </h1>
      <p className="muted">
        {chapter.requestTime === null ? 'No request sent yet (the user’s latest stretch)' : `Sent ${formatTime(chapter.requestTime)}`}
        {chapter.duration != null && ` · answered in ${formatDuration(chapter.duration)}`}
        {chapter.error && ` · browser saw: ${chapter.error}`}
      </p>
      <div className="context-links">
        <Link className="button primary" href={`/sessions/${chapter.sessionId}?t=${chapter.firstEventTime}`}>
          Open session{session?.userEmail ? ` of ${session.userEmail}` : ''} at this chapter
        </Link>
        {chapter.traceId && (
          <Link className="button" href={`/traces/${chapter.traceId}`}>
            Open trace
          </Link>
        )}
      </div>

      <div className="chapter-grid">
        <section aria-labelledby="led-up">
          <h2 id="led-up">What the user did before this request</h2>
          <Await result={events} what="browser events" retry={retry}>
            {(data) => <EventLines events={data.events} fromMs={fromMs} toMs={(chapter.requestTime ?? answer.events.to) / 1000} />}
          </Await>
        </section>
        <section aria-labelledby="replay-heading">
          <h2 id="replay-heading">Replay of this stretch</h2>
          <Await result={events} what="replay" retry={retry}>
            {(data) => <ReplayPlayer events={data.events} startAt={fromMs} />}
          </Await>
        </section>
      </div>

      <section aria-labelledby="trace-heading">
        <h2 id="trace-heading">Trace</h2>
        {spans.length === 0 ? (
          <Empty>
            <p>No back-end span of this request has arrived{chapter.traceId ? '' : ' (the request carried no trace)'}.</p>
          </Empty>
        ) : (
          <>
            <Waterfall
              spans={spans}
              selectedSpanId={selected?.spanId}
              onSelect={(s) => navigate(`/chapters/${chapter.chapterId}?span=${s.spanId}`, { replace: true })}
            />
            {selected && <SpanDetails span={selected} />}
            <h3>Spans</h3>
            <SpansTable spans={spans} />
          </>
        )}
      </section>
    </>
  );
}

function EventLines({ events, fromMs, toMs }: { events: RrwebEvent[]; fromMs: number; toMs: number }) {
  const lines = useMemo(() => readableEvents(events, fromMs).filter((line) => line.time <= toMs), [events, fromMs, toMs]);
  if (lines.length === 0) {
    return (
      <Empty>
        <p>No click, typing or error was recorded between the previous request and this one.</p>
      </Empty>
    );
  }
  return (
    <ol className="event-lines">
      {lines.map((line, i) => (
        <li key={i} className={`event-${line.kind}`}>
          <time className="mono">{formatClock(line.time * 1000)}</time> {line.text}
        </li>
      ))}
      <li className="event-request">
        <time className="mono">{formatClock(toMs * 1000)}</time> sent this request
      </li>
    </ol>
  );
}
