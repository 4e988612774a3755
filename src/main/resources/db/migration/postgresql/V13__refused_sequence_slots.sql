-- A record refused with a readable key and sequence number consumes that number: its exception
-- keeps the number and the SHA-256 of its payload. The same bytes sent again open no second
-- exception, and a valid trade captured later with that number closes it. Both columns are null
-- for every other exception.
ALTER TABLE trade_exceptions ADD COLUMN sequence_number BIGINT;
ALTER TABLE trade_exceptions ADD COLUMN payload_sha256 BYTEA;
CREATE INDEX trade_exceptions_sequence_idx ON trade_exceptions (partition_key, sequence_number)
    WHERE sequence_number IS NOT NULL;
INSERT INTO capture_schema_version (version, description) VALUES (13, 'refused records keep their sequence number');
