-- Exception repairs (see postgresql/V12).
-- One column per ALTER TABLE ... ADD: Babelfish refuses several in one.
ALTER TABLE trade_exceptions ADD repaired_by NVARCHAR(64);
GO
ALTER TABLE trade_exceptions ADD repair_job_id NVARCHAR(64);
GO
CREATE INDEX trade_exceptions_reason_idx ON trade_exceptions (status, reason_code, exception_id);
GO
INSERT INTO capture_schema_version (version, description) VALUES (12, N'exception repairs');
GO
