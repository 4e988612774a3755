-- Capture rules, versioned: a change is a new version, a delete is a version with active = false,
-- nothing is overwritten. The rules in force are each rule's newest version, when it is active.
-- definition is the rule as written (JSON; see RuleCompiler for its form).
CREATE TABLE rules (
    rule_id     VARCHAR(64)  NOT NULL,
    version     INT          NOT NULL,
    kind        VARCHAR(16)  NOT NULL,
    priority    INT          NOT NULL,
    definition  TEXT         NOT NULL,
    active      BOOLEAN      NOT NULL,
    created_at  TIMESTAMPTZ  NOT NULL,
    created_by  VARCHAR(64),
    PRIMARY KEY (rule_id, version)
);

-- Rules are cached like reference data: every change bumps the same version row.
CREATE TRIGGER rules_changed AFTER INSERT OR UPDATE OR DELETE ON rules
    FOR EACH STATEMENT EXECUTE FUNCTION bump_reference_data_version();
