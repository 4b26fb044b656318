import { useMemo, useState, type KeyboardEvent } from 'react';
import type { Span, SpanSort } from '../api/types';
import { formatDuration, formatTime, statusClass } from '../format';
import { Link, navigate } from '../router';
import { serviceColors } from '../waterfall/serviceColor';

export function spanHref(span: Pick<Span, 'traceId' | 'spanId'>): string {
  return `/spans/${span.traceId}/${span.spanId}`;
}

export function spanStatusText(span: Span): string {
  if (span.httpStatus != null) return String(span.httpStatus);
  return span.status.code === 'ERROR' ? 'error' : span.status.code === 'OK' ? 'ok' : '—';
}

type LocalKey = 'service' | 'name' | 'status';

/**
 * Search results. Time and duration sort through the API (`sort`), over every match; service, name
 * and status sort the rows already loaded, which is what a reader scanning a page expects.
 */
export function SpansTable({ spans, sort, onSort }: { spans: Span[]; sort?: SpanSort; onSort?: (sort: SpanSort) => void }) {
  const [local, setLocal] = useState<{ key: LocalKey; ascending: boolean } | null>(null);
  const rows = useMemo(() => {
    if (!local) return spans;
    const value = (span: Span) => (local.key === 'status' ? spanStatusText(span) : span[local.key]);
    const sorted = [...spans].sort((a, b) => value(a).localeCompare(value(b), undefined, { numeric: true }));
    return local.ascending ? sorted : sorted.reverse();
  }, [spans, local]);

  const colors = useMemo(() => serviceColors(spans.map((s) => s.service)), [spans]);

  const apiSort = (column: 'time' | 'duration') => {
    setLocal(null);
    if (column === 'time') onSort?.(sort === 'newest' ? 'oldest' : 'newest');
    else onSort?.(sort === 'longest' ? 'shortest' : 'longest');
  };
  const localSort = (key: LocalKey) =>
    setLocal((current) => ({ key, ascending: current?.key === key ? !current.ascending : true }));

  const ariaSort = (column: string): 'ascending' | 'descending' | undefined => {
    if (local) return local.key === column ? (local.ascending ? 'ascending' : 'descending') : undefined;
    if (column === 'time' && (sort === 'newest' || sort === 'oldest')) return sort === 'newest' ? 'descending' : 'ascending';
    if (column === 'duration' && (sort === 'longest' || sort === 'shortest')) return sort === 'longest' ? 'descending' : 'ascending';
    return undefined;
  };

  const header = (column: string, label: string, onClick?: () => void) => {
    const direction = ariaSort(column);
    return (
      <th scope="col" aria-sort={direction}>
        {onClick ? (
          <button type="button" className="sort" onClick={onClick}>
            {label}
            <span aria-hidden="true">{direction === 'ascending' ? ' ▲' : direction === 'descending' ? ' ▼' : ''}</span>
          </button>
        ) : (
          label
        )}
      </th>
    );
  };

  const open = (span: Span) => navigate(spanHref(span));
  const onKey = (event: KeyboardEvent, span: Span) => {
    if (event.key === 'Enter' && event.target === event.currentTarget) open(span);
  };

  return (
    <table className="spans-table">
      <thead>
        <tr>
          {header('time', 'Time', onSort && (() => apiSort('time')))}
          {header('service', 'Service', () => localSort('service'))}
          {header('name', 'Name', () => localSort('name'))}
          {header('status', 'Status', () => localSort('status'))}
          {header('duration', 'Duration', onSort && (() => apiSort('duration')))}
          {header('session', 'Session')}
          {header('chapter', 'Chapter')}
        </tr>
      </thead>
      <tbody>
        {rows.map((span) => (
          <tr
            key={span.traceId + span.spanId}
            tabIndex={0}
            className="clickable"
            onClick={(e) => (e.target as HTMLElement).closest('a') || open(span)}
            onKeyDown={(e) => onKey(e, span)}
          >
            <td className="nowrap">{formatTime(span.startTime)}</td>
            <td>
              <span className="service-dot" style={{ background: colors.get(span.service) }} aria-hidden="true" />
              {span.service}
            </td>
            <td className="name">
              <Link href={spanHref(span)}>{span.name}</Link>
            </td>
            <td>
              <span className={statusClass(span.httpStatus, span.status.code === 'ERROR')}>{spanStatusText(span)}</span>
            </td>
            <td className="num">{formatDuration(span.duration)}</td>
            <td>{span.sessionId ? <Link href={`/sessions/${span.sessionId}`}>{span.sessionId.slice(0, 8)}</Link> : '—'}</td>
            <td>{span.chapterId ? <Link href={`/chapters/${span.chapterId}`}>{span.chapterId.slice(0, 8)}</Link> : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
