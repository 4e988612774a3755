-- The lot books are written once per lot and relief: booking a trade no longer updates the lots it
-- relieves. What is open of a lot follows from its key's book (the lots that opened from the head on
-- are open, whole but the head, whose open quantity the book keeps); a lot closed where a relief
-- that closes it says so (lot_reliefs.closes, at relieved_at). The book's state moves into its
-- position's row, written by the position's own upsert: NULL lot columns mean the key's book is not
-- built yet.
--
-- The books are derived data. Those written in the earlier form are emptied here and built again from
-- the stored versions in the background while capture runs (as for a database from before the books);
-- position reads replay a key's versions until its book is built.
DROP TABLE position_lots;
TRUNCATE lot_reliefs;
DROP TABLE position_lot_state;
-- A row per lot of every live trade, numbered (ordinal) in replay order: the lot as booked (signed
-- quantity, price), what it opened when booked (0 when it only relieved), and at every 64th lot (a
-- checkpoint) the book's state right after it (head_after: the oldest open lot, head_open_after: that
-- lot's open quantity then, reliefs_after, open_after: the open lots then), from which a correction
-- of a later trade re-flows. Between checkpoints those are null, so a re-flow rewrites only the lots
-- whose booking it changes.
CREATE TABLE position_lots (
    partition_key   VARCHAR(200)  NOT NULL,
    ordinal         BIGINT        NOT NULL,
    trade_id        VARCHAR(64)   NOT NULL,
    lot_id          VARCHAR(96)   NOT NULL,
    quantity        NUMERIC(28,8) NOT NULL,
    price           NUMERIC(28,8) NOT NULL,
    opened_at       TIMESTAMPTZ   NOT NULL,
    opened          NUMERIC(28,8) NOT NULL,
    head_after      BIGINT,
    head_open_after NUMERIC(28,8),
    reliefs_after   BIGINT,
    open_after      BIGINT,
    CONSTRAINT position_lots_pk PRIMARY KEY (partition_key, ordinal)
);
-- A corrected or cancelled trade's lots; the lots that opened (every open lot is one, from the head on).
CREATE INDEX position_lots_trade_idx ON position_lots (partition_key, trade_id);
CREATE INDEX position_lots_opened_idx ON position_lots (partition_key, ordinal) WHERE opened <> 0;
ALTER TABLE lot_reliefs ADD COLUMN closes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE positions ADD COLUMN lot_count BIGINT;
ALTER TABLE positions ADD COLUMN relief_count BIGINT;
ALTER TABLE positions ADD COLUMN head_ordinal BIGINT;
ALTER TABLE positions ADD COLUMN head_open NUMERIC(28,8);
ALTER TABLE positions ADD COLUMN open_lot_count BIGINT;
INSERT INTO capture_schema_version (version, description) VALUES (15, 'lot books written once, their state in the position');
