-- The schema version, recorded by the migrations themselves (see postgresql/V10). Every later
-- migration ends by inserting its own version here.
CREATE TABLE capture_schema_version (
    version     INT               NOT NULL CONSTRAINT capture_schema_version_pk PRIMARY KEY,
    description NVARCHAR(200)     NOT NULL,
    applied_at  DATETIMEOFFSET(3) NOT NULL CONSTRAINT capture_schema_version_at_df DEFAULT SYSDATETIMEOFFSET()
);
GO
INSERT INTO capture_schema_version (version, description) VALUES (10, N'schema version record (versions 1 to 10)');
GO
