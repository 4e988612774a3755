-- The schema version, recorded by the migrations themselves: a schema a DBA applied with psql and one
-- Flyway applied look the same to the service, which checks it at start when it does not migrate
-- (DB_MIGRATE_AT_START=false). Every later migration ends by inserting its own version here.
CREATE TABLE capture_schema_version (
    version     INT          PRIMARY KEY,
    description VARCHAR(200) NOT NULL,
    applied_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
);
INSERT INTO capture_schema_version (version, description) VALUES (10, 'schema version record (versions 1 to 10)');
