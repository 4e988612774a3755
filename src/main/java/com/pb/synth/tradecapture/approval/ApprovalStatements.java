package com.pb.synth.tradecapture.approval;

import static com.pb.synth.tradecapture.store.Statement.bind;

import com.pb.synth.tradecapture.store.Statement;
import io.vertx.core.buffer.Buffer;
import java.time.OffsetDateTime;
import java.util.List;

/** The approvals' SQL, both dialects, declared with their binds (checked by {@code SqlServerStatementsTest}). */
public final class ApprovalStatements {

    static final Statement VERSION = Statement.portable("decided version",
            "SELECT v.partition_key, v.signed_quantity, v.signed_notional, v.live, v.pending, v.captured_event, "
                    + "(SELECT max(version) FROM trade_versions WHERE trade_id = $1) AS newest, d.decision, "
                    + "d.event AS decision_event FROM trade_versions v LEFT JOIN approval_decisions d "
                    + "ON d.trade_id = v.trade_id AND d.version = v.version WHERE v.trade_id = $1 AND v.version = $2",
            bind("trade_versions.trade_id", String.class), bind("trade_versions.version", Integer.class));
    // A rejected version contributes nothing from now on, like a cancel: a later correction of the
    // trade replaces nothing and enters the position afresh. A compare-and-set: it changes the row only
    // while the version is still pending and live, so of two deciders at once one changes it and the
    // other finds 0 rows (its transaction rolls back as a conflict) — without a locking read, whose
    // hint Babelfish would ignore.
    static final Statement MARK = Statement.of("mark decided",
            "UPDATE trade_versions SET pending = false, live = $3, "
                    + "signed_quantity = CASE WHEN $3 THEN signed_quantity ELSE 0 END, "
                    + "signed_notional = CASE WHEN $3 THEN signed_notional ELSE 0 END "
                    + "WHERE trade_id = $1 AND version = $2 AND pending AND live",
            "UPDATE trade_versions SET pending = 0, live = @p3, "
                    + "signed_quantity = CASE WHEN @p3 = 1 THEN signed_quantity ELSE 0 END, "
                    + "signed_notional = CASE WHEN @p3 = 1 THEN signed_notional ELSE 0 END "
                    + "WHERE trade_id = @p1 AND version = @p2 AND pending = 1 AND live = 1",
            bind("trade_versions.trade_id", String.class), bind("trade_versions.version", Integer.class),
            bind("trade_versions.live", Boolean.class));
    static final Statement RECORD = Statement.portable("record decision",
            "INSERT INTO approval_decisions (trade_id, version, decision, comment, decided_by, decided_at, event) "
                    + "VALUES ($1, $2, $3, $4, $5, $6, $7)",
            bind("approval_decisions.trade_id", String.class), bind("approval_decisions.version", Integer.class),
            bind("approval_decisions.decision", String.class), bind("approval_decisions.comment", String.class),
            bind("approval_decisions.decided_by", String.class),
            bind("approval_decisions.decided_at", OffsetDateTime.class), bind("approval_decisions.event", Buffer.class));
    static final Statement QUEUE = Statement.of("approval queue",
            "SELECT v.trade_id, v.version, v.captured_at, v.captured_event FROM trade_versions v "
                    + "WHERE v.pending AND v.live AND v.captured_at > $1 "
                    + "AND v.version = (SELECT max(version) FROM trade_versions w WHERE w.trade_id = v.trade_id) "
                    + "ORDER BY v.captured_at LIMIT $2",
            "SELECT TOP (@p2) v.trade_id, v.version, v.captured_at, v.captured_event FROM trade_versions v "
                    + "WHERE v.pending = 1 AND v.live = 1 AND v.captured_at > @p1 "
                    + "AND v.version = (SELECT max(version) FROM trade_versions w WHERE w.trade_id = v.trade_id) "
                    + "ORDER BY v.captured_at",
            bind("trade_versions.captured_at", OffsetDateTime.class), bind(null, Integer.class));

    /** Every statement of the approvals, for the dialect test. */
    public static final List<Statement> STATEMENTS = List.of(VERSION, MARK, RECORD, QUEUE);

    private ApprovalStatements() {
    }
}
