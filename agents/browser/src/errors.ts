/** A page error as a replay custom event's payload. */
export interface PageError {
  kind: 'console.error' | 'error' | 'unhandledrejection';
  message: string;
  stack?: string;
  source?: string;
  line?: number;
  column?: number;
}

const MAX_TEXT = 2_000;

/**
 * Watches console.error, uncaught errors and unhandled promise rejections, and reports each to
 * `report` without changing what the page or the console sees. Returns the function that stops it.
 */
export function watchPageErrors(win: Window & typeof globalThis, report: (e: PageError) => void): () => void {
  const onError = (e: ErrorEvent) =>
    report({ kind: 'error', message: cut(e.message || describe(e.error)), stack: stackOf(e.error), source: e.filename, line: e.lineno, column: e.colno });
  const onRejection = (e: PromiseRejectionEvent) =>
    report({ kind: 'unhandledrejection', message: cut(describe(e.reason)), stack: stackOf(e.reason) });
  win.addEventListener('error', onError);
  win.addEventListener('unhandledrejection', onRejection);

  const console = win.console;
  const original = console.error;
  const patched = function (this: unknown, ...args: unknown[]) {
    try {
      report({ kind: 'console.error', message: cut(args.map(describe).join(' ')), stack: stackOf(args.find((a) => a instanceof Error)) });
    } catch {
      // Reporting must never keep the page's message from the console.
    }
    return original.apply(this, args);
  };
  console.error = patched;

  return () => {
    win.removeEventListener('error', onError);
    win.removeEventListener('unhandledrejection', onRejection);
    if (console.error === patched) console.error = original;
  };
}

function describe(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function stackOf(value: unknown): string | undefined {
  return value instanceof Error && value.stack ? cut(value.stack) : undefined;
}

function cut(text: string): string {
  return text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) + '…' : text;
}
