/**
 * @retrospect/browser: records what the user does (rrweb session replay) and joins it to the back
 * end's OpenTelemetry traces by sending `traceparent` and `baggage` with the page's own requests.
 */
import { Agent } from './agent';
import { ConfigurationError, resolveOptions, type RetrospectOptions, type RetrospectUser } from './options';

export type { RetrospectOptions, RetrospectUser } from './options';

let agent: Agent | null = null;

/**
 * Starts recording and tracing. Call it once, as early as possible. It never throws: without an
 * `endpoint` or `service` it warns in the console and does nothing; any other failure disables
 * the agent quietly.
 */
export function init(options: RetrospectOptions): void {
  if (agent || typeof window === 'undefined') return;
  let started: Agent | null = null;
  try {
    started = new Agent(resolveOptions(options), window);
    if (started.start()) agent = started;
  } catch (e) {
    if (e instanceof ConfigurationError) console.warn(e.message);
    try {
      started?.stop();
    } catch {
      // Half-started: undo what can be undone.
    }
  }
}

/** Attaches the signed-in user to the session, so that it can be found by user id or email. */
export function identify(user: RetrospectUser): void {
  try {
    agent?.identify(user);
  } catch {
    // Never let the agent break the page.
  }
}

/** Stops recording and tracing and restores fetch and XMLHttpRequest; buffered data is still sent. */
export function stop(): void {
  const running = agent;
  agent = null;
  try {
    running?.stop();
  } catch {
    // Never let the agent break the page.
  }
}
