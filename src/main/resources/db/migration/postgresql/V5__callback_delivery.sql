-- Callback delivery state: why the last attempt failed, and when the outcome was delivered.
-- callback_status is PENDING (to deliver), DELIVERED or FAILED (attempts exhausted).
ALTER TABLE ingest_jobs ADD COLUMN callback_error VARCHAR(500);
ALTER TABLE ingest_jobs ADD COLUMN callback_delivered_at TIMESTAMPTZ;
-- The janitor's lookups: reservations never acknowledged, and jobs past their retention.
CREATE INDEX ingest_jobs_reservation_idx ON ingest_jobs (created_at) WHERE source_offset IS NULL;
CREATE INDEX ingest_jobs_accepted_idx ON ingest_jobs (accepted_at);
