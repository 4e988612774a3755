package com.pb.synth.tradecapture.rules;

import static com.pb.synth.tradecapture.store.Statement.bind;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pb.synth.tradecapture.domain.rules.RuleDefinition;
import com.pb.synth.tradecapture.store.Statement;
import com.pb.synth.tradecapture.store.StoreStatements;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** The versioned rules table. */
@ApplicationScoped
public class RuleRepository {

    /** One stored version of a rule. */
    public record StoredRule(String ruleId, int version, boolean active, OffsetDateTime createdAt, String createdBy,
                             RuleDefinition definition) {
    }

    private static final String COLUMNS = "rule_id, version, active, created_at, created_by, definition";
    static final Statement CURRENT = Statement.of("rules in force",
            "SELECT " + COLUMNS + " FROM (SELECT DISTINCT ON (rule_id) " + COLUMNS
                    + " FROM rules ORDER BY rule_id, version DESC) newest WHERE active ORDER BY rule_id",
            "SELECT " + COLUMNS + " FROM (SELECT " + COLUMNS + ", ROW_NUMBER() OVER (PARTITION BY rule_id "
                    + "ORDER BY version DESC) AS rn FROM rules) newest WHERE rn = 1 AND active = 1 ORDER BY rule_id");
    static final Statement VERSIONS = Statement.portable("rule versions",
            "SELECT " + COLUMNS + " FROM rules WHERE rule_id = $1 ORDER BY version", bind("rules.rule_id", String.class));
    // T-SQL: OUTPUT into a table variable, because rules has a trigger (OUTPUT without INTO is refused then).
    static final Statement ADD = Statement.of("add rule version",
            "INSERT INTO rules (rule_id, version, kind, priority, definition, active, created_at, created_by) "
                    + "SELECT $1, COALESCE(max(version), 0) + 1, $2, $3, $4, $5, now(), $6 FROM rules WHERE rule_id = $1 "
                    + "RETURNING " + COLUMNS,
            "SET NOCOUNT ON; DECLARE @added TABLE (rule_id NVARCHAR(64), version INT, active BIT, "
                    + "created_at DATETIMEOFFSET(3), created_by NVARCHAR(64), definition NVARCHAR(MAX)); "
                    + "INSERT INTO rules (rule_id, version, kind, priority, definition, active, created_at, created_by) "
                    + "OUTPUT " + ("inserted." + COLUMNS).replace(", ", ", inserted.") + " INTO @added "
                    + "SELECT @p1, COALESCE(max(version), 0) + 1, @p2, @p3, @p4, @p5, SYSDATETIMEOFFSET(), @p6 "
                    + "FROM rules WHERE rule_id = @p1; SELECT " + COLUMNS + " FROM @added; "
                    + "SET NOCOUNT OFF",
            bind("rules.rule_id", String.class), bind("rules.kind", String.class), bind("rules.priority", Integer.class),
            bind("rules.definition", String.class), bind("rules.active", Boolean.class),
            bind("rules.created_by", String.class));

    /** Every statement of this repository, for the dialect test. */
    public static final List<Statement> STATEMENTS = List.of(CURRENT, VERSIONS, ADD);

    private final StoreStatements store;
    private final ObjectMapper json;

    public RuleRepository(StoreStatements store, ObjectMapper json) {
        this.store = store;
        this.json = json;
    }

    /** The rules in force: each rule's newest version, when it is active. */
    public Uni<List<StoredRule>> current() {
        return store.run(CURRENT).map(this::rules);
    }

    public Uni<List<StoredRule>> versions(String ruleId) {
        return store.run(VERSIONS, ruleId).map(this::rules);
    }

    /**
     * Stores the next version of a rule: active, or the deletion marker. Two writers of one rule at
     * once compute the same next version; the one that loses on the primary key takes the next.
     */
    public Uni<StoredRule> add(RuleDefinition rule, int priority, boolean active, String by) {
        String text;
        try {
            text = json.writeValueAsString(rule);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        return store.upsert(ADD, rule.ruleId(), rule.kind(), priority, text,
                        active, by)
                .map(rows -> rules(rows).get(0));
    }

    private List<StoredRule> rules(RowSet<Row> rows) {
        List<StoredRule> out = new ArrayList<>(rows.size());
        for (Row r : rows) {
            try {
                out.add(new StoredRule(r.getString("rule_id"), r.getInteger("version"), r.getBoolean("active"),
                        r.getOffsetDateTime("created_at"), r.getString("created_by"),
                        json.readValue(r.getString("definition"), RuleDefinition.class)));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }
}
