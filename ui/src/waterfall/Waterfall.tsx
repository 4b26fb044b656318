import { useEffect, useMemo, useRef, useState } from 'react';
import type { Span } from '../api/types';
import { formatDuration } from '../format';
import { layoutWaterfall } from './layout';
import { serviceColors } from './serviceColor';

const ROW_HEIGHT = 26;
const MAX_VISIBLE_ROWS = 22;
/** Rows rendered beyond the visible window, so fast scrolling does not show blank space. */
const OVERSCAN = 10;
const TICKS = [0, 0.25, 0.5, 0.75, 1];

interface Props {
  spans: readonly Span[];
  selectedSpanId?: string | null;
  onSelect: (span: Span) => void;
}

/**
 * The trace waterfall: spans nested by parent, one colour per service, on a shared time axis.
 * Only the rows in view are in the DOM, so a 10,000-span trace scrolls like a 10-span one.
 */
export function Waterfall({ spans, selectedSpanId, onSelect }: Props) {
  const layout = useMemo(() => layoutWaterfall(spans), [spans]);
  const colors = useMemo(() => serviceColors(layout.services), [layout]);
  const body = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);

  const [skewedCount, orphanCount] = useMemo(
    () => [layout.rows.filter((row) => row.skewed).length, layout.rows.filter((row) => row.orphan).length],
    [layout],
  );
  const selectedIndex = useMemo(
    () => layout.rows.findIndex((row) => row.span.spanId === selectedSpanId),
    [layout, selectedSpanId],
  );

  // Bring the selected span into view when the card opens on a span deep in a large trace.
  useEffect(() => {
    const element = body.current;
    if (!element || selectedIndex < 0) return;
    const top = selectedIndex * ROW_HEIGHT;
    if (top < element.scrollTop || top > element.scrollTop + element.clientHeight - ROW_HEIGHT) {
      element.scrollTop = Math.max(0, top - element.clientHeight / 2);
      setScrollTop(element.scrollTop);
    }
  }, [selectedIndex]);

  if (layout.rows.length === 0) {
    return <p className="empty">No spans of this trace have arrived yet.</p>;
  }

  const viewportHeight = Math.min(layout.rows.length, MAX_VISIBLE_ROWS) * ROW_HEIGHT;
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(layout.rows.length, Math.ceil((scrollTop + viewportHeight) / ROW_HEIGHT) + OVERSCAN);

  return (
    <section className="waterfall" aria-label="Trace waterfall">
      <ul className="wf-legend" aria-label="Services">
        {layout.services.map((service) => (
          <li key={service}>
            <span className="wf-swatch" style={{ background: colors.get(service) }} aria-hidden="true" />
            {service}
          </li>
        ))}
        <li className="wf-summary">
          {layout.rows.length} spans · {formatDuration(layout.duration)}
          {orphanCount > 0 && ` · ${orphanCount} without their parent`}
          {skewedCount > 0 && ` · ${skewedCount} shifted for clock skew`}
        </li>
      </ul>
      <div className="wf-axis" aria-hidden="true">
        <div className="wf-label-col">Span</div>
        <div className="wf-track">
          {TICKS.map((tick) => (
            <span key={tick} className="wf-tick" style={{ left: `${tick * 100}%` }}>
              {formatDuration(tick * layout.duration)}
            </span>
          ))}
        </div>
      </div>
      <div
        ref={body}
        className="wf-body"
        style={{ height: viewportHeight }}
        onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
      >
        <div style={{ height: layout.rows.length * ROW_HEIGHT, position: 'relative' }}>
          {layout.rows.slice(first, last).map((row, i) => {
            const index = first + i;
            const { span } = row;
            const selected = span.spanId === selectedSpanId;
            const failed = span.status.code === 'ERROR' || (span.httpStatus ?? 0) >= 400;
            const marks = [row.orphan && 'parent missing', row.skewed && 'shifted for clock skew'].filter(Boolean).join(', ');
            return (
              <button
                type="button"
                key={span.spanId + ':' + index}
                className={`wf-row${selected ? ' selected' : ''}${failed ? ' failed' : ''}`}
                style={{ top: index * ROW_HEIGHT, height: ROW_HEIGHT }}
                aria-current={selected ? 'true' : undefined}
                title={`${span.service} · ${span.name} · ${formatDuration(span.duration)}${marks ? ` (${marks})` : ''}`}
                data-service={span.service}
                onClick={() => onSelect(span)}
              >
                <span className="wf-label-col" style={{ paddingLeft: 6 + Math.min(row.depth, 24) * 12 }}>
                  <span className="wf-service" style={{ color: colors.get(span.service) }}>
                    {span.service}
                  </span>{' '}
                  <span className="wf-name">{span.name}</span>
                  {row.orphan && <span className="wf-flag" title="Its parent span is not in this trace">orphan</span>}
                  {row.skewed && <span className="wf-flag" title="Started before its parent: clocks differ between services; shown shifted">skew</span>}
                </span>
                <span className="wf-track">
                  <span
                    className="wf-bar"
                    style={{
                      left: `${row.offset * 100}%`,
                      width: `max(2px, ${row.width * 100}%)`,
                      background: colors.get(span.service),
                    }}
                  />
                  <span
                    className="wf-duration"
                    style={row.offset + row.width > 0.8 ? { right: `${(1 - row.offset) * 100}%` } : { left: `${(row.offset + row.width) * 100}%` }}
                  >
                    {formatDuration(span.duration)}
                    {span.httpStatus != null && ` · ${span.httpStatus}`}
                  </span>
                </span>
              </button>
            );
          })}
        </div>
      </div>
    </section>
  );
}
