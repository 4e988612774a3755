package com.pb.synth.tradecapture.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pb.synth.tradecapture.domain.rules.RuleDefinition;
import com.pb.synth.tradecapture.store.CaptureStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
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
    private static final String CURRENT = "SELECT " + COLUMNS + " FROM (SELECT DISTINCT ON (rule_id) " + COLUMNS
            + " FROM rules ORDER BY rule_id, version DESC) newest WHERE active ORDER BY rule_id";
    private static final String VERSIONS = "SELECT " + COLUMNS + " FROM rules WHERE rule_id = $1 ORDER BY version";
    private static final String ADD = "INSERT INTO rules (rule_id, version, kind, priority, definition, active, "
            + "created_at, created_by) SELECT $1, COALESCE(max(version), 0) + 1, $2, $3, $4, $5, now(), $6 "
            + "FROM rules WHERE rule_id = $1 RETURNING " + COLUMNS;

    private final Pool pool;
    private final ObjectMapper json;

    public RuleRepository(@CaptureStore Pool pool, ObjectMapper json) {
        this.pool = pool;
        this.json = json;
    }

    /** The rules in force: each rule's newest version, when it is active. */
    public Uni<List<StoredRule>> current() {
        return pool.query(CURRENT).execute().map(this::rules);
    }

    public Uni<List<StoredRule>> versions(String ruleId) {
        return pool.preparedQuery(VERSIONS).execute(Tuple.of(ruleId)).map(this::rules);
    }

    /** Stores the next version of a rule: active, or the deletion marker. Fails on a concurrent write. */
    public Uni<StoredRule> add(RuleDefinition rule, int priority, boolean active, String by) {
        String text;
        try {
            text = json.writeValueAsString(rule);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        return pool.preparedQuery(ADD).execute(Tuple.of(rule.ruleId(), rule.kind(), priority, text, active, by))
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
