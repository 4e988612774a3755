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
TRUNCATE TABLE position_lots;
GO
TRUNCATE TABLE lot_reliefs;
GO
DROP TABLE position_lot_state;
GO
ALTER TABLE position_lots DROP COLUMN open_quantity;
GO
ALTER TABLE position_lots DROP COLUMN closed_at;
GO
ALTER TABLE lot_reliefs ADD closes INT NOT NULL CONSTRAINT lot_reliefs_closes_df DEFAULT 0;
GO
ALTER TABLE positions ADD lot_count BIGINT NULL;
GO
ALTER TABLE positions ADD relief_count BIGINT NULL;
GO
ALTER TABLE positions ADD head_ordinal BIGINT NULL;
GO
ALTER TABLE positions ADD head_open DECIMAL(28,8) NULL;
GO
ALTER TABLE positions ADD open_lot_count BIGINT NULL;
GO
INSERT INTO capture_schema_version (version, description) VALUES (15, N'lot books written once, their state in the position');
GO
