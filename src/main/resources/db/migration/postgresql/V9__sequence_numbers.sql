-- The highest upstream sequence number applied in order per partition key (0: none yet). A trade
-- whose sequenceNumber is beyond last_sequence + 1 is held until the gap fills or times out.
ALTER TABLE positions ADD COLUMN last_sequence BIGINT NOT NULL DEFAULT 0;
