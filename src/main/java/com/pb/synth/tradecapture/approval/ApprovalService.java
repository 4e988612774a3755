package com.pb.synth.tradecapture.approval;

import com.pb.synth.tradecapture.domain.Callers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pb.synth.tradecapture.capture.ConcurrentCaptureException;
import com.pb.synth.tradecapture.capture.FencesBehindException;
import com.pb.synth.tradecapture.capture.EventPublisher;
import com.pb.synth.tradecapture.capture.OutgoingRecord;
import com.pb.synth.tradecapture.config.CaptureConfig;
import com.pb.synth.tradecapture.domain.ApprovalDecision;
import com.pb.synth.tradecapture.domain.Position;
import com.pb.synth.tradecapture.http.Problem;
import com.pb.synth.tradecapture.lock.LockLease;
import com.pb.synth.tradecapture.lock.PartitionLock;
import com.pb.synth.tradecapture.store.LotBooker;
import com.pb.synth.tradecapture.store.LotKeeper;
import com.pb.synth.tradecapture.store.PositionRepository;
import com.pb.synth.tradecapture.store.TransactionRetry;
import com.pb.synth.tradecapture.store.StoreStatements;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Decides trade versions that wait for approval. A decision is applied the way capture applies a
 * batch, so it keeps the key's order: under the key's Redis partition lock (fencing token
 * included), in one SQL transaction that row-locks the position, then published on the output
 * topic before the lock is released. Events of the key therefore reach the output topic in the
 * order their changes were made, and the decision's position includes every trade of the key
 * captured before it.
 *
 * <p>The rules of a decision are {@link ApprovalDecision}'s, its statements {@link ApprovalStatements}'.
 * Approve: the version stops being pending, the position's pending count drops, the blotter
 * is {@code APPROVED} / {@code FORMED}. Reject: the version stops being live, its quantity and
 * notional leave the position, the blotter is {@code REJECTED} / {@code CANCELLED}. Only the
 * newest version of a trade can be decided, once, and never by the person who entered it. A
 * decision retried after a publishing failure republishes the same event.
 */
@ApplicationScoped
public class ApprovalService {

    /** A decided version as the API answers it: the event published for it. */
    public record Outcome(String tradeId, int version, String decision, JsonNode event) {
    }

    private record Stored(String key, BigDecimal quantity, BigDecimal notional, boolean live, boolean pending,
                          JsonNode event, int newest, String decision, byte[] decisionEvent) {
    }

    private final StoreStatements store;
    private final TransactionRetry retry;
    private final PartitionLock lock;
    private final PositionRepository positions;
    private final EventPublisher publisher;
    private final ObjectMapper json;
    private final String capturedTopic;
    private final LotBooker lots;

    public ApprovalService(StoreStatements store, PartitionLock lock, PositionRepository positions,
                           EventPublisher publisher, ObjectMapper json, CaptureConfig config, TransactionRetry retry,
                           LotBooker lots) {
        this.lots = lots;
        this.store = store;
        this.retry = retry;
        this.lock = lock;
        this.positions = positions;
        this.publisher = publisher;
        this.json = json;
        this.capturedTopic = config.topics().captured();
    }

    /** The versions waiting for a decision, oldest first; page with the last {@code capturedAt}. */
    public Uni<List<JsonNode>> queue(OffsetDateTime after, int limit) {
        return store.run(ApprovalStatements.QUEUE, after, limit).map(rows -> {
            List<JsonNode> out = new ArrayList<>(rows.size());
            for (Row r : rows) {
                JsonNode e = read(r.getBuffer("captured_event").getBytes());
                ObjectNode item = json.createObjectNode();
                item.put("tradeId", r.getString("trade_id"));
                item.put("version", r.getInteger("version"));
                item.set("partitionKey", e.get("partitionKey"));
                item.set("source", e.get("source"));
                item.set("enteredBy", e.get("enteredBy"));
                item.put("capturedAt", r.getOffsetDateTime("captured_at").toString());
                item.set("approvalReasons", e.get("approvalReasons"));
                item.set("enrichmentStatus", e.get("enrichmentStatus"));
                item.set("economicTerms", e.path("contract").get("economicTerms"));
                out.add(item);
            }
            return out;
        });
    }

    public Uni<Outcome> decide(String tradeId, int version, String decision, String comment, String approver) {
        // After Redis lost its fence counters: raise them past the stored token, then decide once more.
        return decideOnce(tradeId, version, decision, comment, approver)
                .onFailure(FencesBehindException.class).recoverWithUni(f -> lock.raiseFences(((FencesBehindException) f)
                        .stored()).flatMap(n -> decideOnce(tradeId, version, decision, comment, approver)));
    }

    private Uni<Outcome> decideOnce(String tradeId, int version, String decision, String comment, String approver) {
        return stored(tradeId, version).flatMap(s -> {
            if (s.decision() != null) {
                if (!s.decision().equals(decision)) {
                    throw conflict(tradeId + " v" + version + " was already decided: " + s.decision());
                }
                // The same decision again (a retry): publish its event again, in order, under the lock.
                return underLock(s.key(), lease -> publish(s.key(), s.decisionEvent())
                        .replaceWith(new Outcome(tradeId, version, decision, read(s.decisionEvent()))));
            }
            check(tradeId, version, s, approver);
            return underLock(s.key(), lease -> transaction(conn -> apply(conn, tradeId, version, s, decision, comment,
                            approver, lease))
                    // committed: a rejection's change to the key's lots is booked behind it
                    .invoke(event -> lots.queued(List.of(s.key())))
                    .flatMap(event -> publish(s.key(), event)
                            .replaceWith(new Outcome(tradeId, version, decision, read(event)))));
        });
    }

    private Uni<byte[]> transaction(Function<SqlConnection, Uni<byte[]>> work) {
        return retry.run(() -> store.pool().withTransaction(work));
    }

    private static void check(String tradeId, int version, Stored s, String approver) {
        JsonNode enteredBy = s.event().get("enteredBy");
        ApprovalDecision.Refusal refusal = ApprovalDecision.refusal(tradeId, version, s.newest(), s.pending(), s.live(),
                enteredBy == null || enteredBy.isNull() ? null : enteredBy.asText(), approver);
        if (refusal != null) {
            throw refusal.forbidden() ? new Problem.Failure(Problem.of(403, "Forbidden", refusal.message()))
                    : conflict(refusal.message());
        }
    }

    private Uni<Stored> stored(String tradeId, int version) {
        return store.run(ApprovalStatements.VERSION, tradeId, version).map(rows -> {
            if (rows.size() == 0) {
                throw new Problem.Failure(Problem.of(404, "Not found", "no captured " + tradeId + " v" + version));
            }
            Row r = rows.iterator().next();
            var decisionEvent = r.getBuffer("decision_event");
            return new Stored(r.getString("partition_key"), r.getBigDecimal("signed_quantity"),
                    r.getBigDecimal("signed_notional"), r.getBoolean("live"), r.getBoolean("pending"),
                    read(r.getBuffer("captured_event").getBytes()), r.getInteger("newest"), r.getString("decision"),
                    decisionEvent == null ? null : decisionEvent.getBytes());
        });
    }

    /** Applies the decision in the transaction; returns the event to publish. */
    private Uni<byte[]> apply(SqlConnection conn, String tradeId, int version, Stored s, String decision,
                              String comment, String approver, LockLease lease) {
        return positions.lockAll(conn, List.of(s.key())).flatMap(locked -> {
                    Position before = locked.getOrDefault(s.key(), Position.empty(s.key()));
                    if (before.fencingToken() > lease.fence(s.key())) {
                        throw new FencesBehindException(java.util.Map.of(s.key(), before.fencingToken()));
                    }
                    boolean approve = ApprovalDecision.APPROVE.equals(decision);
                    Position after = ApprovalDecision.positionAfter(before, s.quantity(), s.notional(), approve,
                            lease.fence(s.key()));
                    OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC);
                    byte[] event = event(s.event(), decision, comment, approver, at, after);
                    // The mark first: of two deciders at once, the one that finds the version decided
                    // stops here, before it records a decision or moves the position.
                    return store.run(conn, ApprovalStatements.MARK, tradeId, version, approve).flatMap(marked -> {
                        if (marked.rowCount() != 1) {
                            throw conflict(tradeId + " v" + version + " was decided meanwhile");
                        }
                        // a rejected version is no longer live: its lots leave the key's FIFO (queued)
                        List<Object[]> lotChanges = approve ? List.of()
                                : List.<Object[]>of(LotKeeper.removalRow(s.key(), tradeId, at.toInstant()));
                        return Uni.combine().all().unis(
                                        store.run(conn, ApprovalStatements.RECORD, tradeId, version, decision, comment,
                                                Callers.orAnonymous(approver), at, Buffer.buffer(event)),
                                        positions.upsert(conn, List.of(after), at),
                                        lots.queue(conn, lotChanges, List.of(), at))
                                .with((recorded, upserted, lotRows) -> {
                                    if (upserted != 1) {
                                        throw new ConcurrentCaptureException("position refused by the fencing check");
                                    }
                                    return event;
                                });
                    });
                });
    }

    /** The blotter as first captured, moved on by the decision. */
    private byte[] event(JsonNode captured, String decision, String comment, String approver, OffsetDateTime at,
                         Position after) {
        ObjectNode e = captured.deepCopy();
        boolean approve = ApprovalDecision.APPROVE.equals(decision);
        String workflow = ApprovalDecision.workflowStatus(approve).name();
        e.put("status", workflow);
        e.put("workflowStatus", workflow);
        e.putObject("state").put("positionState", ApprovalDecision.positionState(approve).name());
        ObjectNode approval = e.putObject("approval");
        approval.put("decision", decision);
        approval.put("comment", comment);
        approval.put("decidedBy", approver);
        approval.put("decidedAt", at.toString());
        e.put("fencingToken", after.fencingToken());
        ObjectNode position = e.putObject("position");
        position.put("quantity", after.quantity());
        position.put("notional", after.notional());
        position.put("averagePrice", after.averagePrice());
        position.put("tradeCount", after.tradeCount());
        position.put("pendingCount", after.pendingCount());
        try {
            return json.writeValueAsBytes(e);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private <T> Uni<T> underLock(String key, Function<LockLease, Uni<T>> work) {
        return lock.withLocks(List.of(key), () -> false, work, releaseStart -> { });
    }

    private Uni<Void> publish(String key, byte[] event) {
        return publisher.publish(List.of(new OutgoingRecord(capturedTopic, key, event, Map.of())))
                .onFailure().transform(f -> new Problem.Failure(Problem.of(503, "Service unavailable",
                        "the decision is stored but its event was not published; send the same decision again"), 5));
    }

    private JsonNode read(byte[] bytes) {
        try {
            return json.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Problem.Failure conflict(String detail) {
        return new Problem.Failure(Problem.of(409, "Conflict", detail));
    }
}
