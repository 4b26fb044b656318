import { useMemo } from 'react';
import { api } from '../api/client';
import { useApi } from '../api/useApi';
import { Await, Empty } from '../common/States';
import { Link } from '../router';
import { SessionsTable } from '../sessions/SessionsPage';
import { spanSearchHref, parseSpanSearch } from '../spans/searchParams';
import { SpansTable } from '../spans/SpansTable';

const SHOWN = 10;
const DAY_MICROS = 86_400e6;

/** The start page: what failed in the last 24 hours, each row a way into its trace, chapter or session. */
export function DashboardPage() {
  const since = useMemo(() => Date.now() * 1000 - DAY_MICROS, []);
  return (
    <main className="page dashboard">
      <h1>Recent failures</h1>
      <p className="muted">The last 24 hours. Open a row to see its trace; the chapter link shows what the user did before it.</p>
      <FailedSpans title="Server errors (5xx)" status="5xx" since={since} />
      <FailedSpans title="Client errors (4xx)" status="4xx" since={since} />
      <ErrorSessions since={since} />
    </main>
  );
}

function FailedSpans({ title, status, since }: { title: string; status: string; since: number }) {
  const [spans, retry] = useApi(`${status}:${since}`, (signal) => api.spans({ status, from: since, sort: 'newest' }, SHOWN, null, signal));
  const all = spanSearchHref({ ...parseSpanSearch(new URLSearchParams()).state, status, from: 'now-24h' });
  return (
    <section aria-label={title}>
      <h2>
        {title} <Link href={all} className="small">search all</Link>
      </h2>
      <Await result={spans} what={title.toLowerCase()} retry={retry}>
        {(page) =>
          page.spans.length === 0 ? (
            <Empty>
              <p>None in the last 24 hours.</p>
            </Empty>
          ) : (
            <SpansTable spans={page.spans} />
          )
        }
      </Await>
    </section>
  );
}

function ErrorSessions({ since }: { since: number }) {
  const [sessions, retry] = useApi(`sessions:${since}`, (signal) => api.sessions({ errors: true, from: since }, SHOWN, null, signal));
  return (
    <section aria-label="Sessions with errors">
      <h2>
        Sessions with console errors <Link href="/sessions?errors=true&from=now-24h" className="small">search all</Link>
      </h2>
      <Await result={sessions} what="sessions" retry={retry}>
        {(page) =>
          page.sessions.length === 0 ? (
            <Empty>
              <p>No session recorded an error in the last 24 hours.</p>
            </Empty>
          ) : (
            <SessionsTable sessions={page.sessions} />
          )
        }
      </Await>
    </section>
  );
}
