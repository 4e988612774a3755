-- Callback delivery state: why the last attempt failed, and when the outcome was delivered.
-- callback_status is PENDING (to deliver), DELIVERED or FAILED (attempts exhausted).
ALTER TABLE ingest_jobs ADD COLUMN callback_error VARCHAR(500);
ALTER TABLE ingest_jobs ADD COLUMN callback_delivered_at TIMESTAMPTZ;
