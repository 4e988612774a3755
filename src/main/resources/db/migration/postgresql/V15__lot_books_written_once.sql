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
TRUNCATE position_lots, lot_reliefs;
DROP TABLE position_lot_state;
ALTER TABLE position_lots DROP COLUMN open_quantity;
ALTER TABLE position_lots DROP COLUMN closed_at;
ALTER TABLE lot_reliefs ADD COLUMN closes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE positions ADD COLUMN lot_count BIGINT;
ALTER TABLE positions ADD COLUMN relief_count BIGINT;
ALTER TABLE positions ADD COLUMN head_ordinal BIGINT;
ALTER TABLE positions ADD COLUMN head_open NUMERIC(28,8);
ALTER TABLE positions ADD COLUMN open_lot_count BIGINT;
INSERT INTO capture_schema_version (version, description) VALUES (15, 'lot books written once, their state in the position');
