-- The terms of each text index, so that a query word can be expanded into the whole terms that
-- start with it (see TextMatch): FTS5 evaluates ANDed exact terms by skipping through their
-- document lists, but reads a prefix query's whole document list first.
CREATE VIRTUAL TABLE span_terms USING fts5vocab(span_text, 'row');
CREATE VIRTUAL TABLE session_terms USING fts5vocab(session_text, 'row');
