-- An exception repaired from the console or the API: who submitted the repair, and the ingest job
-- that carries it (its status tells whether the repaired trade was captured). Status REPAIRED.
ALTER TABLE trade_exceptions ADD COLUMN repaired_by VARCHAR(64);
ALTER TABLE trade_exceptions ADD COLUMN repair_job_id VARCHAR(64);
CREATE INDEX trade_exceptions_reason_idx ON trade_exceptions (status, reason_code, exception_id);
INSERT INTO capture_schema_version (version, description) VALUES (12, 'exception repairs');
