import { api } from '../api/client';
import type { Span, TraceAnswer } from '../api/types';
import { useApi } from '../api/useApi';
import { Await } from '../common/States';
import { formatTime, statusClass } from '../format';
import { Link, navigate } from '../router';
import { Waterfall } from '../waterfall/Waterfall';
import { SpanDetails } from './SpanDetails';
import { spanHref } from './SpansTable';

/**
 * The span card (`/spans/:traceId/:spanId`, or `/traces/:traceId` for the root): the whole trace's
 * waterfall, the chosen span's details, and the way on to its chapter and session.
 */
export function SpanCardPage({ traceId, spanId }: { traceId: string; spanId?: string }) {
  const [trace, retry] = useApi(traceId, (signal) => api.trace(traceId, signal));
  return (
    <main className="page span-card">
      <Await result={trace} what="trace" retry={retry}>
        {(data) => <SpanCard trace={data} spanId={spanId} />}
      </Await>
    </main>
  );
}

function rootOf(spans: Span[]): Span | undefined {
  const ids = new Set(spans.map((s) => s.spanId));
  const tops = spans.filter((s) => !s.parentSpanId || !ids.has(s.parentSpanId));
  return [...(tops.length ? tops : spans)].sort((a, b) => a.startTime - b.startTime)[0];
}

function SpanCard({ trace, spanId }: { trace: TraceAnswer; spanId?: string }) {
  const span = trace.spans.find((s) => s.spanId === spanId) ?? rootOf(trace.spans);
  const chapterId = trace.chapter?.chapterId ?? span?.chapterId ?? null;
  const sessionId = trace.session?.sessionId ?? trace.chapter?.sessionId ?? span?.sessionId ?? null;
  const root = rootOf(trace.spans);
  return (
    <>
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href="/spans">Spans</Link> › trace <span className="mono">{trace.traceId.slice(0, 12)}</span>
      </nav>
      <h1>
        {root ? `${root.service} · ${root.name}` : 'Trace'}
        {root?.httpStatus != null && <span className={statusClass(root.httpStatus)}> {root.httpStatus}</span>}
      </h1>
      <div className="context-links">
        {chapterId ? (
          <Link className="button primary" href={`/chapters/${chapterId}`}>
            Open chapter{trace.chapter ? ` #${trace.chapter.sequence}` : ''}: what the user did before this request
          </Link>
        ) : (
          <span className="muted">No browser chapter is linked to this trace.</span>
        )}
        {sessionId && (
          <Link className="button" href={`/sessions/${sessionId}`}>
            Open session{trace.session?.userEmail ? ` of ${trace.session.userEmail}` : ''}
            {trace.session ? ` (${formatTime(trace.session.firstSeen)})` : ''}
          </Link>
        )}
      </div>
      <Waterfall
        spans={trace.spans}
        selectedSpanId={span?.spanId}
        onSelect={(s) => navigate(spanHref(s), { replace: true })}
      />
      {span ? <SpanDetails span={span} /> : <p className="muted">This trace has no spans yet.</p>}
    </>
  );
}
