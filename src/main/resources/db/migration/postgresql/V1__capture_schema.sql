-- Reference data: securities, accounts (with their financing terms) and books.
CREATE TABLE securities (
    security_id  VARCHAR(64) PRIMARY KEY,
    isin         VARCHAR(12),
    ric          VARCHAR(32),
    currency     CHAR(3)     NOT NULL,
    asset_class  VARCHAR(32) NOT NULL DEFAULT 'EQUITY',
    exchange     VARCHAR(16),
    status       VARCHAR(16) NOT NULL DEFAULT 'ACTIVE'
);

CREATE TABLE accounts (
    account_id       VARCHAR(64) PRIMARY KEY,
    legal_entity     VARCHAR(64)   NOT NULL,
    region           VARCHAR(8)    NOT NULL,
    spread_bps       NUMERIC(10,4) NOT NULL,
    tenor_months     INT           NOT NULL DEFAULT 12,
    reset_frequency  VARCHAR(16)   NOT NULL DEFAULT 'MONTHLY',
    straight_through BOOLEAN       NOT NULL DEFAULT TRUE,
    status           VARCHAR(16)   NOT NULL DEFAULT 'ACTIVE'
);

CREATE TABLE books (
    book_id      VARCHAR(64) PRIMARY KEY,
    desk         VARCHAR(64) NOT NULL,
    legal_entity VARCHAR(64) NOT NULL,
    status       VARCHAR(16) NOT NULL DEFAULT 'ACTIVE'
);

-- One row per captured trade version; the captured event is kept so a redelivered version is
-- republished exactly as first captured. Idempotency is the primary key.
CREATE TABLE trade_versions (
    trade_id         VARCHAR(64)   NOT NULL,
    version          INT           NOT NULL,
    partition_key    VARCHAR(200)  NOT NULL,
    action           VARCHAR(8)    NOT NULL,
    signed_quantity  NUMERIC(28,8) NOT NULL,
    signed_notional  NUMERIC(28,8) NOT NULL,
    live             BOOLEAN       NOT NULL,
    pending          BOOLEAN       NOT NULL,
    sequence_number  BIGINT,
    idempotency_key  VARCHAR(128),
    fencing_token    BIGINT        NOT NULL,
    source_partition INT,
    source_offset    BIGINT,
    captured_at      TIMESTAMPTZ   NOT NULL,
    captured_event   TEXT          NOT NULL,
    PRIMARY KEY (trade_id, version)
);
CREATE INDEX trade_versions_key_idx ON trade_versions (partition_key, captured_at);

-- One row per partition key; fencing_token is that of the last writer, and a writer with an
-- older token is refused.
CREATE TABLE positions (
    partition_key  VARCHAR(200)  PRIMARY KEY,
    account_id     VARCHAR(64)   NOT NULL,
    book_id        VARCHAR(64)   NOT NULL,
    security_id    VARCHAR(64)   NOT NULL,
    quantity       NUMERIC(28,8) NOT NULL,
    notional       NUMERIC(28,8) NOT NULL,
    trade_count    INT           NOT NULL,
    pending_count  INT           NOT NULL,
    fencing_token  BIGINT        NOT NULL,
    updated_at     TIMESTAMPTZ   NOT NULL
);

-- Rejected records (payload kept for repair) and captured trades that need operations' attention.
CREATE TABLE trade_exceptions (
    exception_id     BIGSERIAL     PRIMARY KEY,
    reason_code      VARCHAR(40)   NOT NULL,
    detail           TEXT,
    trade_id         VARCHAR(64),
    version          INT,
    partition_key    VARCHAR(200),
    source_topic     VARCHAR(249)  NOT NULL,
    source_partition INT           NOT NULL,
    source_offset    BIGINT        NOT NULL,
    payload          BYTEA,
    status           VARCHAR(16)   NOT NULL DEFAULT 'OPEN',
    created_at       TIMESTAMPTZ   NOT NULL,
    resolved_at      TIMESTAMPTZ,
    CONSTRAINT trade_exceptions_source_uq UNIQUE (source_topic, source_partition, source_offset, reason_code)
);
CREATE INDEX trade_exceptions_open_idx ON trade_exceptions (status, created_at);
