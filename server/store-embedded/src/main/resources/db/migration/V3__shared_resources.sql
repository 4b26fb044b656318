-- The resource attributes of spans (service, host, process, SDK: often a kilobyte or more, and the
-- same for every span of a process), kept once here instead of in every span body. A span whose
-- body has format 2 names its resource in resource_id; format 1 bodies (older rows, and spans
-- without resource attributes) carry them inline and leave resource_id null.
CREATE TABLE resources (
  id INTEGER PRIMARY KEY,
  body BLOB NOT NULL UNIQUE
);
ALTER TABLE spans ADD COLUMN resource_id INTEGER;
