import type { Span } from '../api/types';
import { AttributeTable, attributeText, prettyBody } from '../common/Attributes';
import { formatDuration, formatTime, statusClass } from '../format';
import { Link } from '../router';
import { spanHref, spanStatusText } from './SpansTable';

const BODY_KEYS = ['http.request.body', 'http.response.body'] as const;

/** Everything recorded about one span: status, request data, attributes, events and links. */
export function SpanDetails({ span }: { span: Span }) {
  const url = span.attributes['url.full'] ?? span.attributes['http.route'] ?? span.attributes['url.path'];
  const method = span.attributes['http.request.method'];
  return (
    <article className="span-details" aria-label={`Span ${span.name}`}>
      <header>
        <h2>
          <span className="service-name">{span.service}</span> {span.name}
        </h2>
        <dl className="facts">
          <div>
            <dt>HTTP status</dt>
            <dd>
              <span className={statusClass(span.httpStatus, span.status.code === 'ERROR')}>{spanStatusText(span)}</span>
              {span.status.message && <> — {span.status.message}</>}
            </dd>
          </div>
          {url != null && (
            <div>
              <dt>Request</dt>
              <dd className="mono">
                {method != null && `${attributeText(method)} `}
                {attributeText(url)}
              </dd>
            </div>
          )}
          <div>
            <dt>Started</dt>
            <dd>{formatTime(span.startTime)}</dd>
          </div>
          <div>
            <dt>Duration</dt>
            <dd>{formatDuration(span.duration)}</dd>
          </div>
          <div>
            <dt>Kind</dt>
            <dd>{span.kind}</dd>
          </div>
          <div>
            <dt>Span id</dt>
            <dd className="mono">{span.spanId}</dd>
          </div>
        </dl>
      </header>
      {BODY_KEYS.map((key) => {
        const body = span.attributes[key];
        if (body == null) return null;
        return (
          <section key={key} className="body">
            <h3>{key === 'http.request.body' ? 'Request data' : 'Response data'}</h3>
            <pre tabIndex={0}>{prettyBody(attributeText(body))}</pre>
          </section>
        );
      })}
      <AttributeTable caption="Attributes" attributes={span.attributes} />
      {span.events.length > 0 && (
        <section>
          <h3>Events</h3>
          <ol className="span-events">
            {span.events.map((event, i) => (
              <li key={i}>
                <span className="mono">{formatTime(event.time)}</span> <strong>{event.name}</strong>
                <AttributeTable caption={`${event.name} attributes`} attributes={event.attributes} />
              </li>
            ))}
          </ol>
        </section>
      )}
      {span.links.length > 0 && (
        <section>
          <h3>Links</h3>
          <ul>
            {span.links.map((link) => (
              <li key={link.traceId + link.spanId}>
                <Link href={spanHref(link)}>
                  trace {link.traceId.slice(0, 8)} span {link.spanId.slice(0, 8)}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}
      <AttributeTable caption="Resource" attributes={span.resource} />
    </article>
  );
}
