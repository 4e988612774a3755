-- Refused records keep their sequence number and payload hash (see postgresql/V13).
-- One column per ALTER TABLE ... ADD: Babelfish refuses several in one.
ALTER TABLE trade_exceptions ADD sequence_number BIGINT;
GO
ALTER TABLE trade_exceptions ADD payload_sha256 VARBINARY(MAX);
GO
CREATE INDEX trade_exceptions_sequence_idx ON trade_exceptions (partition_key, sequence_number)
    WHERE sequence_number IS NOT NULL;
GO
INSERT INTO capture_schema_version (version, description) VALUES (13, N'refused records keep their sequence number');
GO
