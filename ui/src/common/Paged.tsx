import { useState, type ReactNode } from 'react';
import type { Loadable } from '../api/useApi';
import { useApi } from '../api/useApi';
import { ErrorState } from './States';

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * The first page of a cursor-paginated search, plus the pages "Load more" appended. `key` names
 * the search; a new key starts over (callers remount with `key` for that).
 */
export function usePaged<T>(key: string, load: (cursor: string | null, signal?: AbortSignal) => Promise<Page<T>>) {
  const [first, retry] = useApi(key, (signal) => load(null, signal));
  const [more, setMore] = useState<T[]>([]);
  // undefined until a further page arrived; then that page's cursor.
  const [moreCursor, setMoreCursor] = useState<string | null | undefined>(undefined);
  const [moreState, setMoreState] = useState<'idle' | 'loading' | Error>('idle');
  const cursor = first.state === 'ok' ? (moreCursor === undefined ? first.data.nextCursor : moreCursor) : null;
  const items: Loadable<T[]> = first.state === 'ok' ? { state: 'ok', data: [...first.data.items, ...more] } : first;
  const loadMore = () => {
    if (!cursor) return;
    setMoreState('loading');
    load(cursor).then(
      (page) => {
        setMore((previous) => [...previous, ...page.items]);
        setMoreCursor(page.nextCursor);
        setMoreState('idle');
      },
      (error: Error) => setMoreState(error),
    );
  };
  return { items, retry, hasMore: cursor !== null, loadMore, moreState };
}

export function LoadMore({ paged }: { paged: Pick<ReturnType<typeof usePaged>, 'hasMore' | 'loadMore' | 'moreState'> }) {
  if (!paged.hasMore) return null;
  return (
    <div className="load-more">
      {paged.moreState instanceof Error && <ErrorState error={paged.moreState} />}
      <button type="button" onClick={paged.loadMore} disabled={paged.moreState === 'loading'}>
        {paged.moreState === 'loading' ? 'Loading…' : 'Load more'}
      </button>
    </div>
  );
}

/** The big search box with its button, shared by the spans and sessions pages. */
export function SearchBox({
  label,
  placeholder,
  value,
  onChange,
  children,
}: {
  label: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
  children?: ReactNode;
}) {
  return (
    <div className="search-row">
      <label className="grow">
        <span className="visually-hidden">{label}</span>
        <input type="search" placeholder={placeholder} value={value} onChange={(e) => onChange(e.target.value)} autoFocus />
      </label>
      <button type="submit" className="primary">
        Search
      </button>
      {children}
    </div>
  );
}
