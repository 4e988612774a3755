-- One row per trade accepted over HTTP (see postgresql/V4).
CREATE TABLE ingest_jobs (
    job_id            NVARCHAR(36)      NOT NULL CONSTRAINT ingest_jobs_pk PRIMARY KEY,
    idempotency_key   NVARCHAR(128),
    trade_id          NVARCHAR(64)      NOT NULL,
    version           INT               NOT NULL,
    partition_key     NVARCHAR(200)     NOT NULL,
    entered_by        NVARCHAR(64),
    callback_url      NVARCHAR(2048),
    source_topic      NVARCHAR(249),
    source_partition  INT,
    source_offset     BIGINT,
    created_at        DATETIMEOFFSET(3) NOT NULL,
    accepted_at       DATETIMEOFFSET(3),
    callback_status   NVARCHAR(16),
    callback_attempts INT               NOT NULL CONSTRAINT ingest_jobs_attempts_df DEFAULT 0,
    callback_due_at   DATETIMEOFFSET(3)
);
GO
-- A UNIQUE constraint on SQL Server admits one NULL only; a filtered unique index admits many, like
-- PostgreSQL's UNIQUE: jobs without an Idempotency-Key are not limited to one.
CREATE UNIQUE INDEX ingest_jobs_idempotency_key_key ON ingest_jobs (idempotency_key) WHERE idempotency_key IS NOT NULL;
GO
CREATE INDEX ingest_jobs_callback_idx ON ingest_jobs (callback_due_at) WHERE callback_status = 'PENDING';
GO
