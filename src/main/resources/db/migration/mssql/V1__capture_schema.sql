-- SQL Server edition of postgresql/V1 (with V3's binary captured event from the start).
-- Required database setting: READ_COMMITTED_SNAPSHOT ON (see README "SQL Server").
-- Reference data: securities, accounts (with their financing terms) and books.
CREATE TABLE securities (
    security_id  NVARCHAR(64) NOT NULL CONSTRAINT securities_pk PRIMARY KEY,
    isin         NVARCHAR(12),
    ric          NVARCHAR(32),
    currency     NCHAR(3)     NOT NULL,
    asset_class  NVARCHAR(32) NOT NULL CONSTRAINT securities_asset_class_df DEFAULT 'EQUITY',
    exchange     NVARCHAR(16),
    status       NVARCHAR(16) NOT NULL CONSTRAINT securities_status_df DEFAULT 'ACTIVE'
);
GO
CREATE TABLE accounts (
    account_id       NVARCHAR(64)  NOT NULL CONSTRAINT accounts_pk PRIMARY KEY,
    legal_entity     NVARCHAR(64)  NOT NULL,
    region           NVARCHAR(8)   NOT NULL,
    spread_bps       DECIMAL(10,4) NOT NULL,
    tenor_months     INT           NOT NULL CONSTRAINT accounts_tenor_df DEFAULT 12,
    reset_frequency  NVARCHAR(16)  NOT NULL CONSTRAINT accounts_reset_df DEFAULT 'MONTHLY',
    straight_through BIT           NOT NULL CONSTRAINT accounts_stp_df DEFAULT 1,
    status           NVARCHAR(16)  NOT NULL CONSTRAINT accounts_status_df DEFAULT 'ACTIVE'
);
GO
CREATE TABLE books (
    book_id      NVARCHAR(64) NOT NULL CONSTRAINT books_pk PRIMARY KEY,
    desk         NVARCHAR(64) NOT NULL,
    legal_entity NVARCHAR(64) NOT NULL,
    status       NVARCHAR(16) NOT NULL CONSTRAINT books_status_df DEFAULT 'ACTIVE'
);
GO
-- One row per captured trade version; idempotency is the primary key.
CREATE TABLE trade_versions (
    trade_id         NVARCHAR(64)     NOT NULL,
    version          INT              NOT NULL,
    partition_key    NVARCHAR(200)    NOT NULL,
    action           NVARCHAR(8)      NOT NULL,
    signed_quantity  DECIMAL(28,8)    NOT NULL,
    signed_notional  DECIMAL(28,8)    NOT NULL,
    live             BIT              NOT NULL,
    pending          BIT              NOT NULL,
    sequence_number  BIGINT,
    idempotency_key  NVARCHAR(128),
    fencing_token    BIGINT           NOT NULL,
    source_partition INT,
    source_offset    BIGINT,
    captured_at      DATETIMEOFFSET(3) NOT NULL,
    captured_event   VARBINARY(MAX)   NOT NULL,
    CONSTRAINT trade_versions_pk PRIMARY KEY (trade_id, version)
);
GO
CREATE INDEX trade_versions_key_idx ON trade_versions (partition_key, captured_at);
GO
-- One row per partition key; a writer with an older fencing token is refused.
CREATE TABLE positions (
    partition_key  NVARCHAR(200)     NOT NULL CONSTRAINT positions_pk PRIMARY KEY,
    account_id     NVARCHAR(64)      NOT NULL,
    book_id        NVARCHAR(64)      NOT NULL,
    security_id    NVARCHAR(64)      NOT NULL,
    quantity       DECIMAL(28,8)     NOT NULL,
    notional       DECIMAL(28,8)     NOT NULL,
    trade_count    INT               NOT NULL,
    pending_count  INT               NOT NULL,
    fencing_token  BIGINT            NOT NULL,
    updated_at     DATETIMEOFFSET(3) NOT NULL
);
GO
-- Rejected records (payload kept for repair) and captured trades that need operations' attention.
CREATE TABLE trade_exceptions (
    exception_id     BIGINT IDENTITY(1,1) NOT NULL CONSTRAINT trade_exceptions_pk PRIMARY KEY,
    reason_code      NVARCHAR(40)      NOT NULL,
    detail           NVARCHAR(MAX),
    trade_id         NVARCHAR(64),
    version          INT,
    partition_key    NVARCHAR(200),
    source_topic     NVARCHAR(249)     NOT NULL,
    source_partition INT               NOT NULL,
    source_offset    BIGINT            NOT NULL,
    payload          VARBINARY(MAX),
    status           NVARCHAR(16)      NOT NULL CONSTRAINT trade_exceptions_status_df DEFAULT 'OPEN',
    created_at       DATETIMEOFFSET(3) NOT NULL,
    resolved_at      DATETIMEOFFSET(3),
    CONSTRAINT trade_exceptions_source_uq UNIQUE (source_topic, source_partition, source_offset, reason_code)
);
GO
CREATE INDEX trade_exceptions_open_idx ON trade_exceptions (status, created_at);
GO
