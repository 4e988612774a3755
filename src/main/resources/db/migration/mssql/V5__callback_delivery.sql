-- Callback delivery state (see postgresql/V5).
ALTER TABLE ingest_jobs ADD callback_error NVARCHAR(500), callback_delivered_at DATETIMEOFFSET(3);
GO
CREATE INDEX ingest_jobs_reservation_idx ON ingest_jobs (created_at) WHERE source_offset IS NULL;
CREATE INDEX ingest_jobs_accepted_idx ON ingest_jobs (accepted_at);
