import { formatClock } from '../format';
import type { ReadableEvent } from '../replay/readableEvents';
import { chapterFailed, shortUrl, type SentChapter } from './chapterFacts';

/**
 * The session's course under the player: a mark per chapter (request), failed requests and
 * errors in red. Each mark is a button that seeks the player there. Times are epoch milliseconds.
 */
export function Timeline({
  start,
  end,
  chapters,
  errors,
  now,
  onSeek,
}: {
  start: number;
  end: number;
  chapters: SentChapter[];
  errors: ReadableEvent[];
  now: number | null;
  onSeek: (timeMs: number) => void;
}) {
  const span = Math.max(1, end - start);
  const at = (timeMs: number) => `${Math.min(100, Math.max(0, ((timeMs - start) / span) * 100))}%`;
  return (
    <div className="timeline" aria-label="Session timeline">
      <div className="timeline-track">
        {now !== null && <span className="timeline-now" style={{ left: at(now) }} aria-hidden="true" />}
        {chapters.map((chapter) => {
          const time = chapter.requestTime / 1000;
          const failed = chapterFailed(chapter);
          return (
            <button
              type="button"
              key={chapter.chapterId}
              className={`mark chapter-mark${failed ? ' failed' : ''}`}
              style={{ left: at(time) }}
              title={`${formatClock(chapter.requestTime)} ${chapter.method ?? ''} ${shortUrl(chapter.url)} → ${chapter.status ?? chapter.error ?? '?'}`}
              aria-label={`Request #${chapter.sequence} ${chapter.method ?? ''} ${shortUrl(chapter.url)}, status ${chapter.status ?? 'unknown'}`}
              onClick={() => onSeek(chapter.firstEventTime / 1000)}
            />
          );
        })}
        {errors.map((error, i) => (
          <button
            type="button"
            key={i}
            className="mark error-mark"
            style={{ left: at(error.time) }}
            title={`${formatClock(error.time * 1000)} ${error.text}`}
            aria-label={error.text}
            onClick={() => onSeek(error.time)}
          />
        ))}
      </div>
      <div className="timeline-legend small muted">
        <span className="legend-chapter">request</span> <span className="legend-failed">failed request</span>{' '}
        <span className="legend-error">error</span>
      </div>
    </div>
  );
}
