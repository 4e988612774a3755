-- The lot books are kept behind capture: capture queues each change it makes to a key's lots
-- (lot_queue, in the capture's transaction) and a booker books the queued changes into the key's book
-- in its own transaction, many at a time, so a capture batch never reads or writes a book. A key's
-- book and what is queued for it add up to its position: a position read books the key's queue first.
--
-- The book's state leaves the position's row for a table of its own (lot_books), locked only by the
-- booker: capture never waits for a booking. A position without a row there has its book built from
-- its stored versions (in the background, or by the booker when it first meets the key). The books are
-- derived data: those written in the earlier form are emptied here and built again that way.
TRUNCATE position_lots;
TRUNCATE lot_reliefs;
ALTER TABLE positions DROP COLUMN lot_count;
ALTER TABLE positions DROP COLUMN relief_count;
ALTER TABLE positions DROP COLUMN head_ordinal;
ALTER TABLE positions DROP COLUMN head_open;
ALTER TABLE positions DROP COLUMN open_lot_count;
-- A key's book after its last lot: how many lots and reliefs, the oldest open lot (0: none) and its
-- open quantity (signed), how many lots are open; when it was last booked.
CREATE TABLE lot_books (
    partition_key  VARCHAR(200)  NOT NULL CONSTRAINT lot_books_pk PRIMARY KEY,
    lot_count      BIGINT        NOT NULL,
    relief_count   BIGINT        NOT NULL,
    head_ordinal   BIGINT        NOT NULL,
    head_open      NUMERIC(28,8) NOT NULL,
    open_lot_count BIGINT        NOT NULL,
    booked_at      TIMESTAMPTZ   NOT NULL
);
-- A change to a key's lots not booked yet, in capture order (seq): the trade's lots as its newest
-- version has them (JSON: [[lotId, signed quantity, price], ...]), null when the trade is no longer
-- live; queued_at: the capture time, which a new trade's lots open at. Deleted when booked.
CREATE TABLE lot_queue (
    partition_key VARCHAR(200) NOT NULL,
    seq           BIGINT       GENERATED ALWAYS AS IDENTITY,
    trade_id      VARCHAR(64)  NOT NULL,
    lots          TEXT,
    queued_at     TIMESTAMPTZ  NOT NULL,
    CONSTRAINT lot_queue_pk PRIMARY KEY (partition_key, seq)
);
INSERT INTO capture_schema_version (version, description) VALUES (16, 'lot books kept behind capture');
