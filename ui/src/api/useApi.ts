import { useCallback, useEffect, useState } from 'react';

/** Where one request to the API stands; views render each case. */
export type Loadable<T> =
  | { state: 'loading' }
  | { state: 'error'; error: Error }
  | { state: 'ok'; data: T };

/**
 * Runs `load` whenever `key` changes, cancelling the previous request, and exposes its state.
 * `key` is a string so callers state exactly what the request depends on.
 */
export function useApi<T>(key: string, load: (signal: AbortSignal) => Promise<T>): [Loadable<T>, () => void] {
  const [result, setResult] = useState<Loadable<T>>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setResult({ state: 'loading' });
    load(controller.signal).then(
      (data) => controller.signal.aborted || setResult({ state: 'ok', data }),
      (error: Error) => controller.signal.aborted || setResult({ state: 'error', error }),
    );
    return () => controller.abort();
    // `load` is a fresh closure each render; `key` is what the request depends on.
  }, [key, attempt]);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return [result, retry];
}
