import { describe, expect, it } from 'vitest';
import type { Span } from '../api/types';
import { layoutWaterfall } from './layout';

let nextId = 1;
function span(fields: Partial<Span> & { spanId?: string }): Span {
  return {
    traceId: 'a'.repeat(32),
    spanId: fields.spanId ?? (nextId++).toString(16).padStart(16, '0'),
    parentSpanId: null,
    service: 'api',
    name: 'op',
    kind: 'SERVER',
    startTime: 1_000_000,
    duration: 100,
    status: { code: 'UNSET', message: '' },
    httpStatus: null,
    attributes: {},
    resource: {},
    events: [],
    links: [],
    sessionId: null,
    chapterId: null,
    ...fields,
  };
}

const names = (rows: { span: Span; depth: number }[]) => rows.map((r) => `${'  '.repeat(r.depth)}${r.span.name}`);

describe('layoutWaterfall', () => {
  it('nests children under their parent, siblings in start order, whatever the input order', () => {
    const root = span({ spanId: 'r', name: 'POST /checkout', startTime: 0, duration: 1000 });
    const late = span({ spanId: 'b', parentSpanId: 'r', name: 'payment', startTime: 600, duration: 300 });
    const early = span({ spanId: 'a', parentSpanId: 'r', name: 'inventory', startTime: 100, duration: 200 });
    const grandchild = span({ spanId: 'c', parentSpanId: 'a', name: 'db query', startTime: 150, duration: 50 });

    const layout = layoutWaterfall([grandchild, late, root, early]);

    expect(names(layout.rows)).toEqual(['POST /checkout', '  inventory', '    db query', '  payment']);
    expect(layout.rows.map((r) => r.childCount)).toEqual([2, 1, 0, 0]);
    expect(layout.rows[0]).toMatchObject({ offset: 0, width: 1 });
    expect(layout.rows[3]).toMatchObject({ offset: 0.6, width: 0.3 });
  });

  it('shows spans whose parent is missing at the top level, marked as orphans, never dropped', () => {
    const root = span({ spanId: 'r', name: 'root', startTime: 0, duration: 1000 });
    const orphan = span({ spanId: 'o', parentSpanId: 'missing0000000000', name: 'late arrival', startTime: 200 });
    const orphanChild = span({ spanId: 'oc', parentSpanId: 'o', name: 'its child', startTime: 250 });

    const layout = layoutWaterfall([orphanChild, orphan, root]);

    expect(names(layout.rows)).toEqual(['root', 'late arrival', '  its child']);
    expect(layout.rows.map((r) => r.orphan)).toEqual([false, true, false]);
  });

  it('keeps spans caught in a parent cycle instead of losing them', () => {
    const a = span({ spanId: 'a', parentSpanId: 'b', name: 'a' });
    const b = span({ spanId: 'b', parentSpanId: 'a', name: 'b' });
    const self = span({ spanId: 's', parentSpanId: 's', name: 'self' });

    const layout = layoutWaterfall([a, b, self]);

    expect(layout.rows).toHaveLength(3);
    expect(new Set(layout.rows.map((r) => r.span.name))).toEqual(new Set(['a', 'b', 'self']));
  });

  it('shifts a child that starts before its parent (clock skew) into the parent, with its subtree, and marks it', () => {
    const root = span({ spanId: 'r', service: 'api', name: 'root', startTime: 10_000, duration: 1000 });
    // inventory's clock is 5 ms behind: its span appears to start before the request reached it.
    const skewed = span({ spanId: 's', parentSpanId: 'r', service: 'inventory', name: 'skewed', startTime: 5_100, duration: 400 });
    const below = span({ spanId: 'k', parentSpanId: 's', service: 'inventory', name: 'below', startTime: 5_200, duration: 100 });

    const layout = layoutWaterfall([root, skewed, below]);

    const [r, s, k] = layout.rows;
    expect(layout.start).toBe(10_000);
    expect(r).toMatchObject({ skewed: false, offset: 0 });
    expect(s).toMatchObject({ skewed: true, start: 10_000, offset: 0 });
    // The subtree moves with its root: the grandchild keeps its 100 µs distance from its parent.
    expect(k).toMatchObject({ skewed: true, start: 10_100 });
    for (const row of layout.rows) {
      expect(row.offset).toBeGreaterThanOrEqual(0);
      expect(row.width).toBeGreaterThanOrEqual(0);
    }
  });

  it('lays out an empty trace and zero-length spans without dividing by zero', () => {
    expect(layoutWaterfall([]).rows).toEqual([]);
    const layout = layoutWaterfall([span({ startTime: 5, duration: 0 })]);
    expect(layout.rows[0]).toMatchObject({ offset: 0, width: 0 });
  });

  it('lists each service once for the legend', () => {
    const layout = layoutWaterfall([
      span({ service: 'payment' }),
      span({ service: 'api' }),
      span({ service: 'payment' }),
    ]);
    expect(layout.services).toEqual(['api', 'payment']);
  });

  it('lays out a 10,000-span trace, fanned out and 10,000 deep, with every span exactly once', () => {
    const wide: Span[] = [span({ spanId: 'root', name: 'root', startTime: 0, duration: 20_000 })];
    for (let i = 0; i < 9_999; i++) {
      wide.push(span({ spanId: `w${i}`, parentSpanId: i < 99 ? 'root' : `w${i % 99}`, startTime: i, duration: 10 }));
    }
    const wideLayout = layoutWaterfall(wide.reverse());
    expect(wideLayout.rows).toHaveLength(10_000);
    expect(new Set(wideLayout.rows.map((r) => r.span.spanId)).size).toBe(10_000);
    expect(wideLayout.rows[0].span.spanId).toBe('root');
    expect(Math.max(...wideLayout.rows.map((r) => r.depth))).toBe(2);

    const deep: Span[] = [];
    for (let i = 0; i < 10_000; i++) {
      deep.push(span({ spanId: `d${i}`, parentSpanId: i === 0 ? null : `d${i - 1}`, startTime: i, duration: 10_000 - i }));
    }
    const deepLayout = layoutWaterfall(deep);
    expect(deepLayout.rows).toHaveLength(10_000);
    expect(deepLayout.rows[9_999].depth).toBe(9_999);
  });
});
