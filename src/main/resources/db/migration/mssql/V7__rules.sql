-- Capture rules, versioned (see postgresql/V7).
CREATE TABLE rules (
    rule_id     NVARCHAR(64)      NOT NULL,
    version     INT               NOT NULL,
    kind        NVARCHAR(16)      NOT NULL,
    priority    INT               NOT NULL,
    definition  NVARCHAR(MAX)     NOT NULL,
    active      BIT               NOT NULL,
    created_at  DATETIMEOFFSET(3) NOT NULL,
    created_by  NVARCHAR(64),
    CONSTRAINT rules_pk PRIMARY KEY (rule_id, version)
);
GO
CREATE TRIGGER rules_changed ON rules AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    UPDATE reference_data_version SET version = version + 1, changed_at = SYSDATETIMEOFFSET() WHERE id = 1;
END;
GO
