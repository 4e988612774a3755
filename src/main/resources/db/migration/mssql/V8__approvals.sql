-- Approval decisions and the approval queue's index (see postgresql/V8).
CREATE TABLE approval_decisions (
    trade_id    NVARCHAR(64)      NOT NULL,
    version     INT               NOT NULL,
    decision    NVARCHAR(8)       NOT NULL,
    comment     NVARCHAR(1000),
    decided_by  NVARCHAR(64)      NOT NULL,
    decided_at  DATETIMEOFFSET(3) NOT NULL,
    event       VARBINARY(MAX)    NOT NULL,
    CONSTRAINT approval_decisions_pk PRIMARY KEY (trade_id, version)
);
GO
CREATE INDEX trade_versions_pending_idx ON trade_versions (captured_at) WHERE pending = 1 AND live = 1;
GO
