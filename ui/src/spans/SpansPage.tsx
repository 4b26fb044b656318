import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { api, spansExportUrl } from '../api/client';
import type { SpanSearch } from '../api/types';
import { useApi } from '../api/useApi';
import { LoadMore, SearchBox, usePaged } from '../common/Paged';
import { Empty, ErrorState, IgnoredParams, Loading } from '../common/States';
import { Link, navigate, useLocation } from '../router';
import { SpansTable } from './SpansTable';
import { TimeRangeFields } from './TimeRangeFields';
import { parseSpanSearch, spanSearchHref, toApiSearch, type SpanSearchState } from './searchParams';

const PAGE_SIZE = 50;
const STATUS_SUGGESTIONS = ['error', '4xx', '5xx', '400', '404', '500', '503'];

/** Span search: a search box and filters whose state lives in the URL, results in a sortable table. */
export function SpansPage() {
  const { search } = useLocation();
  const urlKey = search.toString();
  const { state, ignored } = useMemo(() => parseSpanSearch(search), [urlKey]);
  const [draft, setDraft] = useState(state);
  useEffect(() => setDraft(state), [state]);

  const apply = (next: SpanSearchState) => navigate(spanSearchHref(next));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    apply(draft);
  };
  const [services] = useApi('services', (signal) => api.services(signal));

  // Relative times are fixed once per search, so "Load more" continues the same window.
  const apiSearch = useMemo(() => toApiSearch(state, Date.now() * 1000), [state]);

  return (
    <main className="page spans-page">
      <h1>Spans</h1>
      <form className="search" role="search" onSubmit={submit}>
        <SearchBox
          label="Search spans"
          placeholder="Search name, service, URL, attributes, request data — e.g. ivan@gmail.com"
          value={draft.q}
          onChange={(q) => setDraft({ ...draft, q })}
        />
        <div className="filters">
          <label>
            Service
            <select value={draft.service} onChange={(e) => apply({ ...draft, service: e.target.value })}>
              <option value="">All services</option>
              {services.state === 'ok' &&
                services.data.services.map((service) => (
                  <option key={service} value={service}>
                    {service}
                  </option>
                ))}
              {/* A service past the listed ones (from a link) still shows as the one chosen. */}
              {services.state === 'ok' && draft.service && !services.data.services.includes(draft.service) && (
                <option value={draft.service}>{draft.service}</option>
              )}
              {services.state === 'ok' && services.data.truncated && (
                <option disabled value="…">
                  {`only the first ${services.data.services.length} services are listed`}
                </option>
              )}
            </select>
          </label>
          <label>
            Status
            <input
              name="status"
              list="status-suggestions"
              placeholder="503, 5xx, error"
              size={8}
              value={draft.status}
              onChange={(e) => setDraft({ ...draft, status: e.target.value.trim() })}
            />
            <datalist id="status-suggestions">
              {STATUS_SUGGESTIONS.map((s) => (
                <option key={s} value={s} />
              ))}
            </datalist>
          </label>
          <TimeRangeFields
            from={draft.from}
            to={draft.to}
            onChange={(from, to, immediately) => (immediately ? apply : setDraft)({ ...draft, from, to })}
          />
          <DurationField label="Min duration" micros={draft.minDuration} onChange={(v) => setDraft({ ...draft, minDuration: v })} />
          <DurationField label="Max duration" micros={draft.maxDuration} onChange={(v) => setDraft({ ...draft, maxDuration: v })} />
          <button type="submit">Apply filters</button>
          {urlKey && (
            <Link href="/spans" className="reset">
              Clear
            </Link>
          )}
        </div>
      </form>
      <IgnoredParams ignored={ignored} />
      <SpanResults key={urlKey} search={apiSearch} state={state} onSort={(sort) => apply({ ...state, sort })} />
    </main>
  );
}

/** A duration filter entered in milliseconds and kept in microseconds, the API's unit. */
function DurationField({ label, micros, onChange }: { label: string; micros: string; onChange: (micros: string) => void }) {
  const ms = micros === '' ? '' : String(Number(micros) / 1000);
  return (
    <label>
      {label}
      <span className="unit-input">
        <input
          type="number"
          min={0}
          step="any"
          inputMode="decimal"
          size={6}
          value={ms}
          onChange={(e) => onChange(e.target.value === '' ? '' : String(Math.round(Number(e.target.value) * 1000)))}
        />
        ms
      </span>
    </label>
  );
}

function SpanResults({ search, state, onSort }: { search: SpanSearch; state: SpanSearchState; onSort: (sort: SpanSearchState['sort']) => void }) {
  const paged = usePaged(JSON.stringify(search), (cursor, signal) =>
    api.spans(search, PAGE_SIZE, cursor, signal).then((page) => ({ items: page.spans, nextCursor: page.nextCursor })),
  );
  if (paged.items.state === 'loading') return <Loading what="spans" />;
  if (paged.items.state === 'error') return <ErrorState error={paged.items.error} retry={paged.retry} />;
  const spans = paged.items.data;

  return (
    <section aria-label="Results">
      <div className="results-bar">
        <span role="status">
          {spans.length} span{spans.length === 1 ? '' : 's'}
          {paged.hasMore ? ' shown, more available' : ''}
        </span>
        <span className="export">
          Export this search:{' '}
          <a href={spansExportUrl(search, 'csv')} download>
            CSV
          </a>{' '}
          <a href={spansExportUrl(search, 'json')} download>
            JSON
          </a>
        </span>
      </div>
      {spans.length === 0 ? (
        <Empty>
          <p>
            <strong>No span matches.</strong>
          </p>
          <p>Widen the time range, remove a filter, or search a shorter word: words match whole or by their beginning.</p>
        </Empty>
      ) : (
        <SpansTable spans={spans} sort={state.sort} onSort={onSort} />
      )}
      <LoadMore paged={paged} />
    </section>
  );
}
