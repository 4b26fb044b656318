import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from 'react';
import type { RrwebEvent } from '../api/types';
import { Empty, ErrorState, Loading } from '../common/States';

/** Controls the session and chapter pages use; times are epoch milliseconds, as rrweb records them. */
export interface ReplayHandle {
  seek: (timeMs: number, play?: boolean) => void;
}

interface Props {
  events: RrwebEvent[];
  /** Where the player starts (epoch ms); the first event when absent. */
  startAt?: number;
  /** Play from `startAt` at once: a link to a moment of a session means "show me what happened from here". */
  playFromStart?: boolean;
  /** Told the replay's current time (epoch ms) as it plays. */
  onTime?: (timeMs: number) => void;
}

type PlayerInstance = {
  goto: (offset: number, play?: boolean) => void;
  addEventListener: (event: string, handler: (params: unknown) => unknown) => void;
  $destroy: () => void;
};

const PLAYER_HEIGHT = 460;

/**
 * rrweb-player, loaded with `import()` only when a page replays, so the first page load stays small.
 * The recorded page renders in rrweb's iframe, sandboxed without `allow-scripts`: a recorded
 * `<script>` or `onerror=` never runs in the UI's origin.
 */
export const ReplayPlayer = forwardRef<ReplayHandle, Props>(function ReplayPlayer({ events, startAt, playFromStart = false, onTime }, ref) {
  const target = useRef<HTMLDivElement>(null);
  const player = useRef<PlayerInstance | null>(null);
  const [state, setState] = useState<'loading' | 'ready' | Error>('loading');
  const first = events[0]?.timestamp ?? 0;
  const onTimeRef = useRef(onTime);
  onTimeRef.current = onTime;

  useImperativeHandle(ref, () => ({
    seek: (timeMs, play = false) => player.current?.goto(Math.max(0, timeMs - first), play),
  }), [first]);

  useEffect(() => {
    if (events.length < 2 || !target.current) return;
    let cancelled = false;
    const element = target.current;
    Promise.all([import('rrweb-player'), import('rrweb-player/dist/style.css')]).then(
      ([{ default: Player }]) => {
        if (cancelled) return;
        const instance = new Player({
          target: element,
          props: {
            events: events as never,
            width: Math.max(320, element.clientWidth - 8),
            height: PLAYER_HEIGHT,
            autoPlay: false,
            skipInactive: true,
            showController: true,
            mouseTail: false,
          },
        }) as unknown as PlayerInstance;
        player.current = instance;
        instance.addEventListener('ui-update-current-time', (event) => {
          const payload = (event as { payload?: number }).payload;
          if (typeof payload === 'number') onTimeRef.current?.(first + payload);
        });
        if (startAt !== undefined && startAt > first) instance.goto(startAt - first, playFromStart);
        else if (playFromStart) instance.goto(0, true);
        setState('ready');
      },
      (error: Error) => cancelled || setState(error),
    );
    return () => {
      cancelled = true;
      player.current?.$destroy();
      player.current = null;
      element.replaceChildren();
    };
  }, [events, first, startAt, playFromStart]);

  if (events.length < 2) {
    return (
      <Empty>
        <p>
          <strong>No replay for this stretch.</strong> The browser sent no recording for it (the page may not run the
          Retrospect browser agent, or its batches have not arrived yet).
        </p>
      </Empty>
    );
  }
  return (
    <div className="replay" aria-label="Session replay">
      {state === 'loading' && <Loading what="the player" />}
      {state instanceof Error && <ErrorState error={state} />}
      <div ref={target} className="replay-target" />
    </div>
  );
});
