-- One estimate per HIT, computed one way everywhere (storage/estimates.py): the median
-- time of submitted work once MEASURED_AFTER submissions are in, pooled over a batch (its
-- items are one task to a worker), else the requester's estimate, else a guess from the
-- questions. The median is kept here at each submission (of the first 200), so listings
-- read it instead of aggregating assignments per HIT. Existing work is measured from the
-- next submission on (until then the requester's estimate is shown).
ALTER TABLE hits ADD COLUMN measured_s REAL;                       -- median seconds, a HIT alone
ALTER TABLE hits ADD COLUMN measured_n INTEGER NOT NULL DEFAULT 0; -- submissions measured
ALTER TABLE batches ADD COLUMN measured_s REAL;                    -- median seconds, whole batch
ALTER TABLE batches ADD COLUMN measured_n INTEGER NOT NULL DEFAULT 0;
