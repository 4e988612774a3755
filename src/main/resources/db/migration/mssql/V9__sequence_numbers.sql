-- The highest upstream sequence number applied in order per partition key (see postgresql/V9).
ALTER TABLE positions ADD last_sequence BIGINT NOT NULL CONSTRAINT positions_last_sequence_df DEFAULT 0;
GO
CREATE INDEX trade_exceptions_trade_idx ON trade_exceptions (trade_id, version);
GO
