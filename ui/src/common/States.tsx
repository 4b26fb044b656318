import type { ReactNode } from 'react';
import { ApiError } from '../api/client';
import type { Loadable } from '../api/useApi';

export function Loading({ what }: { what: string }) {
  return (
    <p className="state loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </p>
  );
}

export function ErrorState({ error, retry }: { error: Error; retry?: () => void }) {
  const notFound = error instanceof ApiError && error.status === 404;
  return (
    <div className="state error" role="alert">
      <p>
        <strong>{notFound ? 'Not found.' : 'Something went wrong.'}</strong> {error.message}
      </p>
      {retry && !notFound && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state empty">{children}</div>;
}

/** Renders the loading and error cases of a request, and `render` with its data once it arrived. */
export function Await<T>({
  result,
  what,
  retry,
  children,
}: {
  result: Loadable<T>;
  what: string;
  retry?: () => void;
  children: (data: T) => ReactNode;
}) {
  if (result.state === 'loading') return <Loading what={what} />;
  if (result.state === 'error') return <ErrorState error={result.error} retry={retry} />;
  return <>{children(result.data)}</>;
}
