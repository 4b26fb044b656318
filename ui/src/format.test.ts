import { describe, expect, it } from 'vitest';
import { formatDuration, localInputToMicros, microsToLocalInput, statusClass } from './format';

describe('format', () => {
  it('writes durations in the unit that keeps them short', () => {
    expect(formatDuration(850)).toBe('850 µs');
    expect(formatDuration(35_200)).toBe('35.2 ms');
    expect(formatDuration(5_012_000)).toBe('5.01 s');
    expect(formatDuration(123_000_000)).toBe('2 min 3 s');
  });

  it('round-trips a local date-time input through epoch microseconds', () => {
    const micros = localInputToMicros('2026-11-26T10:15');
    expect(micros).toBe(new Date(2026, 10, 26, 10, 15).getTime() * 1000);
    expect(microsToLocalInput(micros)).toBe('2026-11-26T10:15');
    expect(localInputToMicros('')).toBeUndefined();
  });

  it('marks 5xx and errors red, 4xx amber', () => {
    expect(statusClass(503)).toContain('5xx');
    expect(statusClass(null, true)).toContain('5xx');
    expect(statusClass(404)).toContain('4xx');
    expect(statusClass(200)).toContain('ok');
  });
});
