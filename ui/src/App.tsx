import { ChapterPage } from './chapter/ChapterPage';
import { Empty } from './common/States';
import { DashboardPage } from './dashboard/DashboardPage';
import { viewerTimeZone } from './format';
import { Link, matchPath, useLocation } from './router';
import { SessionPage } from './session/SessionPage';
import { SessionsPage } from './sessions/SessionsPage';
import { SpanCardPage } from './spans/SpanCardPage';
import { SpansPage } from './spans/SpansPage';

/** Every view's URL; the server answers each of them with index.html. */
function route(pathname: string) {
  let params: Record<string, string> | null;
  if (matchPath('/', pathname)) return <DashboardPage />;
  if (matchPath('/spans', pathname)) return <SpansPage />;
  if ((params = matchPath('/spans/:traceId/:spanId', pathname))) {
    return <SpanCardPage key={params.traceId} traceId={params.traceId} spanId={params.spanId} />;
  }
  if ((params = matchPath('/traces/:traceId', pathname))) return <SpanCardPage key={params.traceId} traceId={params.traceId} />;
  if ((params = matchPath('/chapters/:chapterId', pathname))) return <ChapterPage key={params.chapterId} chapterId={params.chapterId} />;
  if (matchPath('/sessions', pathname)) return <SessionsPage />;
  if ((params = matchPath('/sessions/:sessionId', pathname))) return <SessionPage key={params.sessionId} sessionId={params.sessionId} />;
  return (
    <main className="page">
      <Empty>
        <p>
          <strong>No page here.</strong> <Link href="/">Go to recent failures</Link> or <Link href="/spans">search spans</Link>.
        </p>
      </Empty>
    </main>
  );
}

const NAV = [
  { href: '/', label: 'Failures', active: (p: string) => p === '/' },
  { href: '/spans', label: 'Spans', active: (p: string) => p.startsWith('/spans') || p.startsWith('/traces') },
  { href: '/sessions', label: 'Sessions', active: (p: string) => p.startsWith('/sessions') || p.startsWith('/chapters') },
];

export function App() {
  const { pathname } = useLocation();
  return (
    <>
      <a className="skip" href="#content">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/" className="brand">
          Retrospect
        </Link>
        <nav aria-label="Main">
          {NAV.map((item) => (
            <Link key={item.href} href={item.href} aria-current={item.active(pathname) ? 'page' : undefined}>
              {item.label}
            </Link>
          ))}
        </nav>
        <span className="tz muted small" title="All times are shown in your time zone">
          Times in {viewerTimeZone}
        </span>
      </header>
      <div id="content">{route(pathname)}</div>
    </>
  );
}
