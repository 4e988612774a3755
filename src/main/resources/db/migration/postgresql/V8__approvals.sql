-- Approval decisions on trade versions that waited for approval. The decided version stays in
-- trade_versions (pending false once approved; live false once rejected); the decision and the
-- event it published are kept here, so a retried decision republishes exactly the same event.
CREATE TABLE approval_decisions (
    trade_id    VARCHAR(64)  NOT NULL,
    version     INT          NOT NULL,
    decision    VARCHAR(8)   NOT NULL,
    comment     VARCHAR(1000),
    decided_by  VARCHAR(64)  NOT NULL,
    decided_at  TIMESTAMPTZ  NOT NULL,
    event       BYTEA        NOT NULL,
    PRIMARY KEY (trade_id, version)
);

-- The approval queue: trade versions waiting for a decision.
CREATE INDEX trade_versions_pending_idx ON trade_versions (captured_at) WHERE pending AND live;
