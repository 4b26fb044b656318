/** What replaces the value of a sensitive key in a captured body. */
export const REDACTED = '[REDACTED]';

/** Longest captured body, in characters; longer bodies are cut and marked. */
export const DEFAULT_MAX_BODY_LENGTH = 8 * 1024;

const TRUNCATION_MARK = '…[truncated]';

/** Keys whose values are never stored, wherever they appear in the body (case-insensitive, substring). */
const SENSITIVE_KEY = /password|passwd|card|cvv|cvc|token|secret|authorization|api[-_]?key/i;

/**
 * Turns a parsed request body into the text stored on the span: sensitive values replaced, then
 * cut to `maxLength`. Redaction happens before the cut so a secret can never straddle the limit.
 */
export function captureBody(body: unknown, maxLength = DEFAULT_MAX_BODY_LENGTH): string | undefined {
  const parsed = typeof body === 'string' || Buffer.isBuffer(body) ? parseJson(body.toString()) : body;
  if (parsed === undefined || parsed === null) return undefined;
  if (typeof parsed === 'object' && Object.keys(parsed).length === 0) return undefined;
  const text = JSON.stringify(redact(parsed));
  return text.length <= maxLength ? text : text.slice(0, maxLength) + TRUNCATION_MARK;
}

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    copy[key] = SENSITIVE_KEY.test(key) ? REDACTED : redact(inner);
  }
  return copy;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // A body that is not JSON is not captured: it could hold anything, and we cannot redact it.
    return undefined;
  }
}
