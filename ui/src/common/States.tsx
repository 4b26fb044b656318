import type { ReactNode } from 'react';
import { ApiError } from '../api/client';
import type { Loadable } from '../api/useApi';
import type { IgnoredParam } from '../spans/searchParams';

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

/** Above a page's results: each filter of its URL it could not read, so the results are not taken for filtered. */
export function IgnoredParams({ ignored }: { ignored: IgnoredParam[] }) {
  if (ignored.length === 0) return null;
  return (
    <div className="state error ignored-params" role="alert">
      {ignored.map(({ name, value, reason }) => (
        <p key={name}>
          Ignored {name}={value}: {reason}
        </p>
      ))}
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
