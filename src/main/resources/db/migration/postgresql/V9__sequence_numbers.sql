-- The highest upstream sequence number applied in order per partition key (0: none yet). A trade
-- whose sequenceNumber is beyond last_sequence + 1 is held until the gap fills or times out.
ALTER TABLE positions ADD COLUMN last_sequence BIGINT NOT NULL DEFAULT 0;
-- Exceptions by trade: operators look them up, and a late capture closes its SEQUENCE_GAP exception.
CREATE INDEX trade_exceptions_trade_idx ON trade_exceptions (trade_id, version);
