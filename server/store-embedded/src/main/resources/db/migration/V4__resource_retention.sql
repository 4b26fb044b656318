-- The latest start time of the spans stored with each resource, so that retention can delete a
-- resource once it has deleted every span that names it. Resources of older rows take it from
-- the spans stored so far (one pass over the spans, grouped by resource).
ALTER TABLE resources ADD COLUMN last_start_us INTEGER NOT NULL DEFAULT 0;
UPDATE resources SET last_start_us = used.last_start_us
  FROM (SELECT resource_id, max(start_us) AS last_start_us FROM spans
        WHERE resource_id IS NOT NULL GROUP BY resource_id) AS used
  WHERE used.resource_id = resources.id;
