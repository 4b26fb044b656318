export { startRetrospect, stopRetrospect, DEFAULT_ENDPOINT, type RetrospectOptions } from './start-retrospect';
export { retrospect, type RetrospectMiddlewareOptions } from './express-middleware';
export { SessionBaggageSpanProcessor, SESSION_BAGGAGE_KEYS } from './session-baggage-span-processor';
export { REDACTED, DEFAULT_MAX_BODY_LENGTH } from './redact-body';
