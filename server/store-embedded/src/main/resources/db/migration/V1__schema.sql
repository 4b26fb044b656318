-- Spans: one row each, the whole span as compact JSON in body; the columns are what search
-- filters and sorts on. Ids are 16- and 8-byte blobs: half the size of hex text in every index.
CREATE TABLE spans (
  id INTEGER PRIMARY KEY,
  trace_id BLOB NOT NULL,
  span_id BLOB NOT NULL,
  service TEXT NOT NULL,
  start_us INTEGER NOT NULL,
  duration_us INTEGER NOT NULL,
  http_status INTEGER,
  is_error INTEGER NOT NULL,
  body BLOB NOT NULL
);
-- Deduplicates (trace id, span id) and serves trace fetches.
CREATE UNIQUE INDEX spans_by_trace ON spans (trace_id, span_id);
CREATE INDEX spans_by_start ON spans (start_us);
CREATE INDEX spans_by_service_start ON spans (service, start_us);
CREATE INDEX spans_by_duration ON spans (duration_us);

-- Free text. Contentless (the text lives only as the index, rowid = spans.id), detail=none (no
-- positions: queries are ANDed words and prefixes, never phrases), which keeps it a fraction of
-- the size of a content FTS table. contentless_delete lets retention delete by rowid.
CREATE VIRTUAL TABLE span_text USING fts5(
  text, content='', contentless_delete=1, detail=none, tokenize='unicode61 remove_diacritics 0');

CREATE TABLE services (name TEXT PRIMARY KEY) WITHOUT ROWID;

-- Chapters, upserted: report_seq is the highest batch sequence merged in, so that reports are
-- merged in batch order whatever order they arrive in.
CREATE TABLE chapters (
  chapter_id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  trace_id BLOB,
  first_event_us INTEGER NOT NULL,
  request_us INTEGER,
  method TEXT,
  url TEXT,
  status INTEGER,
  duration_us INTEGER,
  error TEXT,
  report_seq INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX chapters_by_session ON chapters (session_id, sequence);
CREATE INDEX chapters_by_trace ON chapters (trace_id) WHERE trace_id IS NOT NULL;
CREATE INDEX chapters_by_first_event ON chapters (first_event_us);

-- Session summaries kept up to date by the writer; each *_seq column is the batch sequence the
-- value beside it came from (see ReplayContract for which batch wins).
CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  session_id TEXT NOT NULL UNIQUE,
  first_seen_us INTEGER NOT NULL,
  last_seen_us INTEGER NOT NULL,
  service TEXT, service_seq INTEGER,
  user_agent TEXT, user_agent_seq INTEGER,
  entry_url TEXT, entry_url_seq INTEGER,
  user_id TEXT, user_id_seq INTEGER,
  user_email TEXT, user_email_seq INTEGER,
  event_count INTEGER NOT NULL,
  error_count INTEGER NOT NULL
);
CREATE INDEX sessions_by_last_seen ON sessions (last_seen_us);

-- User id, email and entry URL of each session; rowid = sessions.id.
CREATE VIRTUAL TABLE session_text USING fts5(
  text, content='', contentless_delete=1, detail=none, tokenize='unicode61 remove_diacritics 0');

-- Replay batches as the agent sent them (events gzip-compressed), the blob last so that reading
-- the metadata never touches its overflow pages.
CREATE TABLE replay_batches (
  id INTEGER PRIMARY KEY,
  session_id TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  first_event_us INTEGER NOT NULL,
  last_event_us INTEGER NOT NULL,
  event_count INTEGER NOT NULL,
  error_count INTEGER NOT NULL,
  full_snapshots TEXT NOT NULL,
  events BLOB NOT NULL
);
CREATE UNIQUE INDEX replay_by_session ON replay_batches (session_id, sequence);
CREATE INDEX replay_by_last_event ON replay_batches (last_event_us);
