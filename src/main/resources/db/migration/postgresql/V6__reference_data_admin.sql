-- Financing terms an account may set beyond its spread, tenor and reset frequency:
-- a day count other than its index's convention, and the largest notional a single trade may
-- have before it needs approval (NULL: no limit).
ALTER TABLE accounts ADD COLUMN day_count VARCHAR(16);
ALTER TABLE accounts ADD COLUMN max_trade_notional NUMERIC(28,8);
ALTER TABLE accounts ADD COLUMN updated_at TIMESTAMPTZ;
ALTER TABLE securities ADD COLUMN updated_at TIMESTAMPTZ;
ALTER TABLE books ADD COLUMN updated_at TIMESTAMPTZ;

-- One row: bumped by every statement that changes reference data, whoever runs it (the admin API
-- on any instance, or an operator by hand). Each instance compares it with the version it loaded,
-- so a change is in use everywhere within capture.reference.max-staleness.
CREATE TABLE reference_data_version (
    id         INT         PRIMARY KEY CHECK (id = 1),
    version    BIGINT      NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL
);
INSERT INTO reference_data_version (id, version, changed_at) VALUES (1, 1, now());

CREATE FUNCTION bump_reference_data_version() RETURNS trigger AS $$
BEGIN
    UPDATE reference_data_version SET version = version + 1, changed_at = now() WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER securities_changed AFTER INSERT OR UPDATE OR DELETE ON securities
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_data_version();
CREATE TRIGGER accounts_changed AFTER INSERT OR UPDATE OR DELETE ON accounts
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_data_version();
CREATE TRIGGER books_changed AFTER INSERT OR UPDATE OR DELETE ON books
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_data_version();
