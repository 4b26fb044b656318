import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Span } from '../api/types';
import { Waterfall } from './Waterfall';

afterEach(cleanup);

function span(spanId: string, parentSpanId: string | null, service: string, startTime: number, duration: number): Span {
  return {
    traceId: 'f'.repeat(32), spanId, parentSpanId, service, name: `op ${spanId}`, kind: 'SERVER', startTime, duration,
    status: { code: 'UNSET', message: '' }, httpStatus: null, attributes: {}, resource: {}, events: [], links: [],
    sessionId: null, chapterId: null,
  };
}

describe('Waterfall', () => {
  it('shows a legend of services and opens the span whose bar is clicked', () => {
    const onSelect = vi.fn();
    render(
      <Waterfall
        spans={[span('r', null, 'api', 0, 1000), span('c', 'r', 'inventory', 100, 200), span('o', 'gone', 'payment', 300, 50)]}
        onSelect={onSelect}
      />,
    );
    expect(screen.getByRole('list', { name: 'Services' }).textContent).toMatch(/api.*inventory.*payment/);
    expect(screen.getByText(/1 without their parent/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /op c/ }));
    expect(onSelect).toHaveBeenCalledWith(expect.objectContaining({ spanId: 'c' }));
  });

  it('puts only the visible rows of a 10,000-span trace in the page, and the rows of where it is scrolled', () => {
    const spans = [span('root', null, 'api', 0, 100_000)];
    for (let i = 1; i < 10_000; i++) spans.push(span(`s${i}`, 'root', i % 2 ? 'api' : 'db', i, 5));
    const { container } = render(<Waterfall spans={spans} onSelect={() => {}} />);

    expect(container.querySelectorAll('.wf-row').length).toBeLessThan(60);
    const body = container.querySelector('.wf-body')!;
    body.scrollTop = 9_990 * 26;
    fireEvent.scroll(body);
    expect(screen.getByRole('button', { name: /op s9999\b/ })).toBeTruthy();
    expect(container.querySelectorAll('.wf-row').length).toBeLessThan(60);
  });
});
