-- One row per trade accepted over HTTP. A row without source_offset is a reservation: the
-- request holding it has not had the broker's acknowledgement yet (an Idempotency-Key in flight).
-- The job's outcome is not stored here: it is read from trade_versions and trade_exceptions, which
-- the capture transaction writes anyway.
CREATE TABLE ingest_jobs (
    job_id           VARCHAR(36)   PRIMARY KEY,
    idempotency_key  VARCHAR(128)  UNIQUE,
    trade_id         VARCHAR(64)   NOT NULL,
    version          INT           NOT NULL,
    partition_key    VARCHAR(200)  NOT NULL,
    entered_by       VARCHAR(64),
    callback_url     VARCHAR(2048),
    source_topic     VARCHAR(249),
    source_partition INT,
    source_offset    BIGINT,
    created_at       TIMESTAMPTZ   NOT NULL,
    accepted_at      TIMESTAMPTZ,
    callback_status  VARCHAR(16),
    callback_attempts INT          NOT NULL DEFAULT 0,
    callback_due_at  TIMESTAMPTZ
);
CREATE INDEX ingest_jobs_callback_idx ON ingest_jobs (callback_due_at) WHERE callback_status = 'PENDING';
