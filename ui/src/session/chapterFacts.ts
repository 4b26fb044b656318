import type { Chapter } from '../api/types';

/** A chapter whose request has been sent: the open chapter (the user's latest stretch) has none yet. */
export type SentChapter = Chapter & { requestTime: number };

export function sentRequest(chapter: Chapter): chapter is SentChapter {
  return chapter.requestTime !== null;
}

/** A request the browser saw fail: an HTTP error, or no answer at all (status 0 or a network error). */
export function chapterFailed(chapter: Chapter): boolean {
  return (chapter.status ?? 0) >= 400 || chapter.status === 0 || chapter.error != null;
}

/** A request URL without scheme and host, as a developer reads their own app's routes. */
export function shortUrl(url: string | null): string {
  if (!url) return '(unknown URL)';
  try {
    const parsed = new URL(url);
    return parsed.pathname + parsed.search;
  } catch {
    return url;
  }
}
