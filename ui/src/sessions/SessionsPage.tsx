import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { Session, SessionSearch } from '../api/types';
import { LoadMore, SearchBox, usePaged } from '../common/Paged';
import { Empty, ErrorState, IgnoredParams, Loading } from '../common/States';
import { formatDuration, formatTime } from '../format';
import { Link, navigate, useLocation } from '../router';
import { resolveTime } from '../spans/searchParams';
import { TimeRangeFields } from '../spans/TimeRangeFields';
import { parseSessionSearch, sessionSearchHref, type SessionSearchState } from './searchParams';

const PAGE_SIZE = 50;

/** Sessions (`/sessions?q=&from=&to=&errors=true`): find a visit by user, email or URL. */
export function SessionsPage() {
  const { search } = useLocation();
  const key = search.toString();
  const { state, ignored } = useMemo(() => parseSessionSearch(search), [key]);
  const [draft, setDraft] = useState(state);
  useEffect(() => setDraft(state), [state]);
  const apply = (next: SessionSearchState) => navigate(sessionSearchHref(next));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    apply(draft);
  };
  const apiSearch = useMemo<SessionSearch>(() => {
    const now = Date.now() * 1000;
    return { q: state.q || undefined, from: resolveTime(state.from, now), to: resolveTime(state.to, now), errors: state.errors };
  }, [state]);

  return (
    <main className="page sessions-page">
      <h1>Sessions</h1>
      <form className="search" role="search" onSubmit={submit}>
        <SearchBox
          label="Search sessions"
          placeholder="User id, email or URL — e.g. ivan@gmail.com"
          value={draft.q}
          onChange={(q) => setDraft({ ...draft, q })}
        />
        <div className="filters">
          <TimeRangeFields from={draft.from} to={draft.to} onChange={(from, to, now) => (now ? apply : setDraft)({ ...draft, from, to })} />
          <label className="checkbox">
            <input type="checkbox" checked={draft.errors} onChange={(e) => apply({ ...draft, errors: e.target.checked })} />
            Only sessions with errors
          </label>
        </div>
      </form>
      <IgnoredParams ignored={ignored} />
      <SessionResults key={key} search={apiSearch} />
    </main>
  );
}

function SessionResults({ search }: { search: SessionSearch }) {
  const paged = usePaged(JSON.stringify(search), (cursor, signal) =>
    api.sessions(search, PAGE_SIZE, cursor, signal).then((page) => ({ items: page.sessions, nextCursor: page.nextCursor })),
  );
  if (paged.items.state === 'loading') return <Loading what="sessions" />;
  if (paged.items.state === 'error') return <ErrorState error={paged.items.error} retry={paged.retry} />;
  if (paged.items.data.length === 0) {
    return (
      <Empty>
        <p>
          <strong>No session matches.</strong> Sessions appear once a page with the Retrospect browser agent sends its first
          recording.
        </p>
      </Empty>
    );
  }
  return (
    <section aria-label="Results">
      <SessionsTable sessions={paged.items.data} />
      <LoadMore paged={paged} />
    </section>
  );
}

export function SessionsTable({ sessions }: { sessions: Session[] }) {
  return (
    <table className="sessions-table">
      <thead>
        <tr>
          <th scope="col">Started</th>
          <th scope="col">User</th>
          <th scope="col">Entry page</th>
          <th scope="col">Length</th>
          <th scope="col" title="Chapters: one per request the page sent, plus the events after the last one">Chapters</th>
          <th scope="col">Errors</th>
        </tr>
      </thead>
      <tbody>
        {sessions.map((session) => (
          <tr
            key={session.sessionId}
            tabIndex={0}
            className="clickable"
            onClick={(e) => (e.target as HTMLElement).closest('a') || navigate(`/sessions/${session.sessionId}`)}
            onKeyDown={(e) => e.key === 'Enter' && e.target === e.currentTarget && navigate(`/sessions/${session.sessionId}`)}
          >
            <td className="nowrap">
              <Link href={`/sessions/${session.sessionId}`}>{formatTime(session.firstSeen)}</Link>
            </td>
            <td>{session.userEmail ?? session.userId ?? <span className="muted">anonymous</span>}</td>
            <td className="mono">{session.entryUrl ?? '—'}</td>
            <td>{formatDuration(session.lastSeen - session.firstSeen)}</td>
            <td className="num">{session.chapterCount}</td>
            <td className="num">{session.errorCount > 0 ? <span className="status status-5xx">{session.errorCount}</span> : 0}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
