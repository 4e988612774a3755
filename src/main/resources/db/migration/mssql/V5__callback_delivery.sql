-- Callback delivery state (see postgresql/V5).
-- One column per ALTER TABLE ... ADD: Babelfish refuses several in one.
ALTER TABLE ingest_jobs ADD callback_error NVARCHAR(500);
GO
ALTER TABLE ingest_jobs ADD callback_delivered_at DATETIMEOFFSET(3);
GO
CREATE INDEX ingest_jobs_reservation_idx ON ingest_jobs (created_at) WHERE source_offset IS NULL;
GO
CREATE INDEX ingest_jobs_accepted_idx ON ingest_jobs (accepted_at);
GO
