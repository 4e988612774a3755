-- Each key's FIFO lots kept as state by the capture transaction, so a position read costs the same
-- at any history. One row per lot of every live trade, numbered (ordinal) in replay order; a row
-- keeps the lot as booked (signed quantity, price), what it left open when it was booked (opened,
-- 0 when it only relieved), what is open now, when it closed, and the book's state right after it
-- (head_after: the oldest open lot, head_open_after: that lot's open quantity then, reliefs_after,
-- open_after: the open lots then), from which a correction of an earlier trade re-flows.
CREATE TABLE position_lots (
    partition_key   VARCHAR(200)  NOT NULL,
    ordinal         BIGINT        NOT NULL,
    trade_id        VARCHAR(64)   NOT NULL,
    lot_id          VARCHAR(96)   NOT NULL,
    quantity        NUMERIC(28,8) NOT NULL,
    price           NUMERIC(28,8) NOT NULL,
    opened_at       TIMESTAMPTZ   NOT NULL,
    opened          NUMERIC(28,8) NOT NULL,
    open_quantity   NUMERIC(28,8) NOT NULL,
    closed_at       TIMESTAMPTZ,
    head_after      BIGINT        NOT NULL,
    head_open_after NUMERIC(28,8) NOT NULL,
    reliefs_after   BIGINT        NOT NULL,
    open_after      BIGINT        NOT NULL,
    CONSTRAINT position_lots_pk PRIMARY KEY (partition_key, ordinal)
);
-- A corrected or cancelled trade's lots; the lots that opened (every open lot is one, from the head on).
CREATE INDEX position_lots_trade_idx ON position_lots (partition_key, trade_id);
CREATE INDEX position_lots_opened_idx ON position_lots (partition_key, ordinal) WHERE opened <> 0;
-- Quantity of an open lot (relieved_ordinal) closed by a lot of the other direction, in replay order.
CREATE TABLE lot_reliefs (
    partition_key    VARCHAR(200)  NOT NULL,
    ordinal          BIGINT        NOT NULL,
    trade_id         VARCHAR(64)   NOT NULL,
    lot_id           VARCHAR(96)   NOT NULL,
    relieved_ordinal BIGINT        NOT NULL,
    relieved_lot_id  VARCHAR(96)   NOT NULL,
    quantity         NUMERIC(28,8) NOT NULL,
    open_price       NUMERIC(28,8) NOT NULL,
    close_price      NUMERIC(28,8) NOT NULL,
    relieved_at      TIMESTAMPTZ   NOT NULL,
    CONSTRAINT lot_reliefs_pk PRIMARY KEY (partition_key, ordinal)
);
-- A key's book after its last lot. A position without a row here has lots not built yet: they are
-- built once from its stored versions (by capture when it next touches the key, or in the background).
CREATE TABLE position_lot_state (
    partition_key  VARCHAR(200)  NOT NULL CONSTRAINT position_lot_state_pk PRIMARY KEY,
    lot_count      BIGINT        NOT NULL,
    relief_count   BIGINT        NOT NULL,
    head_ordinal   BIGINT        NOT NULL,
    head_open      NUMERIC(28,8) NOT NULL,
    open_lot_count BIGINT        NOT NULL,
    updated_at     TIMESTAMPTZ   NOT NULL
);
INSERT INTO capture_schema_version (version, description) VALUES (14, 'positions keep their lots as state');
