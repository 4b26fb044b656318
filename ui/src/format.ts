/** How times, durations and statuses read in every view. Times are shown in the viewer's own time zone. */

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  fractionalSecondDigits: 3,
});

const clock = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  fractionalSecondDigits: 3,
});

export const viewerTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** Epoch microseconds as a local date and time. */
export function formatTime(micros: number): string {
  return dateTime.format(new Date(micros / 1000));
}

/** Epoch microseconds as a local time of day, for lines within one session. */
export function formatClock(micros: number): string {
  return clock.format(new Date(micros / 1000));
}

/** A duration in microseconds, in the unit that keeps it short: 850 µs, 35.2 ms, 5.01 s, 2 min 3 s. */
export function formatDuration(micros: number): string {
  if (micros < 1000) return `${Math.round(micros)} µs`;
  if (micros < 1_000_000) return `${trim(micros / 1000)} ms`;
  if (micros < 60_000_000) return `${trim(micros / 1_000_000)} s`;
  const seconds = Math.round(micros / 1_000_000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

function trim(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

/** `<input type="datetime-local">` value (local time) to epoch microseconds, or undefined when empty or invalid. */
export function localInputToMicros(value: string): number | undefined {
  if (!value) return undefined;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : ms * 1000;
}

/** Epoch microseconds to an `<input type="datetime-local">` value in local time. */
export function microsToLocalInput(micros: number | undefined): string {
  if (micros === undefined) return '';
  const d = new Date(micros / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The CSS class of an HTTP status: failures stand out in every table. */
export function statusClass(status: number | null | undefined, error = false): string {
  if (status != null && status >= 500) return 'status status-5xx';
  if (status != null && status >= 400) return 'status status-4xx';
  if (error) return 'status status-5xx';
  return 'status status-ok';
}
