import type { Span } from '../api/types';

/** One line of the waterfall: a span placed on the trace's time axis. */
export interface WaterfallRow {
  span: Span;
  /** Nesting level: 0 for a root or an orphan. */
  depth: number;
  /** Start on the axis as a fraction 0–1 of the trace's length, after skew correction. */
  offset: number;
  /** Length on the axis as a fraction 0–1; never negative. */
  width: number;
  /** Start in epoch microseconds after skew correction (equals span.startTime unless `skewed`). */
  start: number;
  /** The span, or an ancestor, started before its parent and was shifted into the parent's range. */
  skewed: boolean;
  /** The span names a parent that is not in the trace (not arrived yet, or lost). */
  orphan: boolean;
  childCount: number;
}

export interface WaterfallLayout {
  rows: WaterfallRow[];
  /** Epoch microseconds of the axis start and its length; duration is at least 1 so fractions stay finite. */
  start: number;
  duration: number;
  services: string[];
}

/**
 * Lays out a trace: each span below its parent, siblings by start time, orphans and roots at the
 * top level. Clock skew between services (a child that starts before its parent) is corrected by
 * shifting the child's subtree into the parent's start, so no bar has a negative offset; the row is
 * marked `skewed`. Iterative and linear apart from the sibling sort, so 10,000 spans lay out at once.
 */
export function layoutWaterfall(spans: readonly Span[]): WaterfallLayout {
  const byId = new Map<string, Span>();
  for (const span of spans) if (!byId.has(span.spanId)) byId.set(span.spanId, span);

  const children = new Map<string, Span[]>();
  const tops: Span[] = [];
  for (const span of spans) {
    const parent = span.parentSpanId;
    if (parent && parent !== span.spanId && byId.has(parent) && byId.get(parent) !== span) {
      let list = children.get(parent);
      if (!list) children.set(parent, (list = []));
      list.push(span);
    } else {
      tops.push(span);
    }
  }
  const byStart = (a: Span, b: Span) => a.startTime - b.startTime || a.name.localeCompare(b.name);
  tops.sort(byStart);
  for (const list of children.values()) list.sort(byStart);

  const placed: Omit<WaterfallRow, 'offset' | 'width'>[] = [];
  const visited = new Set<Span>();
  // A depth-first walk with an explicit stack: a 10,000-deep chain must not overflow the call stack.
  type Frame = { span: Span; depth: number; shift: number; parentStart: number | null; skewed: boolean };
  const walk = (top: Span) => {
    const stack: Frame[] = [{ span: top, depth: 0, shift: 0, parentStart: null, skewed: false }];
    while (stack.length > 0) {
      const frame = stack.pop()!;
      const { span, depth, parentStart } = frame;
      if (visited.has(span)) continue;
      visited.add(span);
      let shift = frame.shift;
      let skewed = frame.skewed;
      let start = span.startTime + shift;
      if (parentStart !== null && start < parentStart) {
        shift += parentStart - start;
        start = parentStart;
        skewed = true;
      }
      const kids = children.get(span.spanId) ?? [];
      placed.push({
        span,
        depth,
        start,
        skewed,
        orphan: depth === 0 && !!span.parentSpanId && span.parentSpanId !== span.spanId && !byId.has(span.parentSpanId),
        childCount: kids.length,
      });
      for (let i = kids.length - 1; i >= 0; i--) {
        stack.push({ span: kids[i], depth: depth + 1, shift, parentStart: start, skewed });
      }
    }
  };
  for (const top of tops) walk(top);
  // Spans caught in a parent cycle are reachable from no top; show them at the top level anyway.
  for (const span of spans) if (!visited.has(span)) walk(span);

  let min = Infinity;
  let max = -Infinity;
  for (const row of placed) {
    min = Math.min(min, row.start);
    max = Math.max(max, row.start + Math.max(0, row.span.duration));
  }
  if (placed.length === 0) {
    min = 0;
    max = 0;
  }
  const duration = Math.max(1, max - min);
  const services = [...new Set(spans.map((s) => s.service))].sort();
  return {
    start: min,
    duration,
    services,
    rows: placed.map((row) => ({
      ...row,
      offset: (row.start - min) / duration,
      width: Math.max(0, row.span.duration) / duration,
    })),
  };
}
