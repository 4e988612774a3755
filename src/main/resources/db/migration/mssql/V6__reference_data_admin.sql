-- Account financing terms, change times and the reference-data version (see postgresql/V6).
-- One column per ALTER TABLE ... ADD: Babelfish refuses several in one.
ALTER TABLE accounts ADD day_count NVARCHAR(16);
GO
ALTER TABLE accounts ADD max_trade_notional DECIMAL(28,8);
GO
ALTER TABLE accounts ADD updated_at DATETIMEOFFSET(3);
GO
ALTER TABLE securities ADD updated_at DATETIMEOFFSET(3);
GO
ALTER TABLE books ADD updated_at DATETIMEOFFSET(3);
GO
CREATE TABLE reference_data_version (
    id         INT               NOT NULL CONSTRAINT reference_data_version_pk PRIMARY KEY
                                 CONSTRAINT reference_data_version_one CHECK (id = 1),
    version    BIGINT            NOT NULL,
    changed_at DATETIMEOFFSET(3) NOT NULL
);
GO
INSERT INTO reference_data_version (id, version, changed_at) VALUES (1, 1, SYSDATETIMEOFFSET());
GO
CREATE TRIGGER securities_changed ON securities AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    UPDATE reference_data_version SET version = version + 1, changed_at = SYSDATETIMEOFFSET() WHERE id = 1;
END;
GO
CREATE TRIGGER accounts_changed ON accounts AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    UPDATE reference_data_version SET version = version + 1, changed_at = SYSDATETIMEOFFSET() WHERE id = 1;
END;
GO
CREATE TRIGGER books_changed ON books AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    UPDATE reference_data_version SET version = version + 1, changed_at = SYSDATETIMEOFFSET() WHERE id = 1;
END;
GO
