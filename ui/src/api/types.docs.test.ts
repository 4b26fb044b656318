/// <reference types="node" />
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Chapter, Session, Span, SpanEvent, SpanLink, SpanStatus } from './types';

// Each list names every field of its type and no other (tsc checks that through `satisfies`, in
// `npm run build`); the test checks the same names against the JSON blocks of docs/api.md. So
// neither the types nor the document can drift from the other unnoticed.
const spanFields = {
  traceId: true, spanId: true, parentSpanId: true, service: true, name: true, kind: true,
  startTime: true, duration: true, status: true, httpStatus: true, attributes: true,
  resource: true, events: true, links: true, sessionId: true, chapterId: true,
} satisfies Record<keyof Span, true>;
const statusFields = { code: true, message: true } satisfies Record<keyof SpanStatus, true>;
const eventFields = { time: true, name: true, attributes: true } satisfies Record<keyof SpanEvent, true>;
const linkFields = { traceId: true, spanId: true, attributes: true } satisfies Record<keyof SpanLink, true>;
const chapterFields = {
  chapterId: true, sessionId: true, sequence: true, traceId: true, firstEventTime: true,
  requestTime: true, method: true, url: true, status: true, duration: true, error: true,
} satisfies Record<keyof Chapter, true>;
const sessionFields = {
  sessionId: true, firstSeen: true, lastSeen: true, service: true, userAgent: true, entryUrl: true,
  userId: true, userEmail: true, chapterCount: true, eventCount: true, errorCount: true,
} satisfies Record<keyof Session, true>;

const apiDoc = readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), '../../../docs/api.md'), 'utf8');

/** The JSON block that follows `**Name**` in docs/api.md, parsed. */
function documented(name: string): Record<string, any> {
  const match = new RegExp('\\*\\*' + name + '\\*\\*\\s*```json\\n([\\s\\S]*?)```').exec(apiDoc);
  if (!match) throw new Error(`docs/api.md has no JSON block for ${name}`);
  return JSON.parse(match[1]);
}

const sorted = (o: object) => Object.keys(o).sort();

describe('the UI reads the objects docs/api.md shows', () => {
  it('Span, with its status, events and links', () => {
    const span = documented('Span');
    expect(sorted(spanFields)).toEqual(sorted(span));
    expect(sorted(statusFields)).toEqual(sorted(span.status));
    expect(sorted(eventFields)).toEqual(sorted(span.events[0]));
    expect(sorted(linkFields)).toEqual(sorted(span.links[0]));
  });

  it('Chapter and Session', () => {
    expect(sorted(chapterFields)).toEqual(sorted(documented('Chapter')));
    expect(sorted(sessionFields)).toEqual(sorted(documented('Session')));
  });
});
