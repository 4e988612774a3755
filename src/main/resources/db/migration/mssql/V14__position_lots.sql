-- Each key's FIFO lots kept as state by the capture transaction (see postgresql/V14).
CREATE TABLE position_lots (
    partition_key   NVARCHAR(200)     NOT NULL,
    ordinal         BIGINT            NOT NULL,
    trade_id        NVARCHAR(64)      NOT NULL,
    lot_id          NVARCHAR(96)      NOT NULL,
    quantity        DECIMAL(28,8)     NOT NULL,
    price           DECIMAL(28,8)     NOT NULL,
    opened_at       DATETIMEOFFSET(3) NOT NULL,
    opened          DECIMAL(28,8)     NOT NULL,
    open_quantity   DECIMAL(28,8)     NOT NULL,
    closed_at       DATETIMEOFFSET(3),
    head_after      BIGINT            NOT NULL,
    head_open_after DECIMAL(28,8)     NOT NULL,
    reliefs_after   BIGINT            NOT NULL,
    open_after      BIGINT            NOT NULL,
    CONSTRAINT position_lots_pk PRIMARY KEY (partition_key, ordinal)
);
GO
CREATE INDEX position_lots_trade_idx ON position_lots (partition_key, trade_id);
GO
CREATE INDEX position_lots_opened_idx ON position_lots (partition_key, ordinal) WHERE opened <> 0;
GO
CREATE TABLE lot_reliefs (
    partition_key    NVARCHAR(200)     NOT NULL,
    ordinal          BIGINT            NOT NULL,
    trade_id         NVARCHAR(64)      NOT NULL,
    lot_id           NVARCHAR(96)      NOT NULL,
    relieved_ordinal BIGINT            NOT NULL,
    relieved_lot_id  NVARCHAR(96)      NOT NULL,
    quantity         DECIMAL(28,8)     NOT NULL,
    open_price       DECIMAL(28,8)     NOT NULL,
    close_price      DECIMAL(28,8)     NOT NULL,
    relieved_at      DATETIMEOFFSET(3) NOT NULL,
    CONSTRAINT lot_reliefs_pk PRIMARY KEY (partition_key, ordinal)
);
GO
CREATE TABLE position_lot_state (
    partition_key  NVARCHAR(200)     NOT NULL CONSTRAINT position_lot_state_pk PRIMARY KEY,
    lot_count      BIGINT            NOT NULL,
    relief_count   BIGINT            NOT NULL,
    head_ordinal   BIGINT            NOT NULL,
    head_open      DECIMAL(28,8)     NOT NULL,
    open_lot_count BIGINT            NOT NULL,
    updated_at     DATETIMEOFFSET(3) NOT NULL
);
GO
INSERT INTO capture_schema_version (version, description) VALUES (14, N'positions keep their lots as state');
GO
