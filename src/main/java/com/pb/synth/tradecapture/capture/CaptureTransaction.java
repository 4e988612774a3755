package com.pb.synth.tradecapture.capture;

import com.pb.synth.tradecapture.config.CaptureConfig;
import com.pb.synth.tradecapture.domain.CaptureDecider;
import com.pb.synth.tradecapture.domain.CaptureStatus;
import com.pb.synth.tradecapture.domain.Decision;
import com.pb.synth.tradecapture.domain.Position;
import com.pb.synth.tradecapture.domain.MissingReference;
import com.pb.synth.tradecapture.domain.SwapBlotter;
import com.pb.synth.tradecapture.domain.Trade;
import com.pb.synth.tradecapture.lock.LockLease;
import com.pb.synth.tradecapture.store.ExceptionRepository;
import com.pb.synth.tradecapture.store.ExceptionRow;
import com.pb.synth.tradecapture.store.PositionRepository;
import com.pb.synth.tradecapture.store.TradeVersionRepository;
import com.pb.synth.tradecapture.store.TradeVersionRow;
import com.pb.synth.tradecapture.store.CaptureStore;
import com.pb.synth.tradecapture.store.TransactionRetry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One SQL transaction per batch: row-lock the keys' positions, read the trades' stored versions,
 * decide every trade in input order, then write trade versions, fenced positions and exceptions.
 * Returns the records to publish, in input order, once the transaction has committed.
 */
@ApplicationScoped
public class CaptureTransaction {

    /** What a committed batch publishes, and the outcome counts for the meters. */
    public record Result(List<OutgoingRecord> outgoing, int captured, int duplicates, int superseded, int rejected) {
    }

    private static final Comparator<TradeVersionRow> VERSION_ORDER =
            Comparator.comparing(TradeVersionRow::tradeId).thenComparingInt(TradeVersionRow::version);

    private final Pool pool;
    private final TransactionRetry retry;
    private final PositionRepository positions;
    private final TradeVersionRepository versions;
    private final ExceptionRepository exceptions;
    private final CapturedEventMapper events;
    private final CaptureConfig.Topics topics;

    public CaptureTransaction(@CaptureStore Pool pool, PositionRepository positions, TradeVersionRepository versions,
                              ExceptionRepository exceptions, CapturedEventMapper events, CaptureConfig config,
                              TransactionRetry retry) {
        this.pool = pool;
        this.retry = retry;
        this.positions = positions;
        this.versions = versions;
        this.exceptions = exceptions;
        this.events = events;
        this.topics = config.topics();
    }

    public Uni<Result> apply(List<CaptureItem> items, LockLease lease, long batchStartNanos) {
        return retry.run(() -> pool.withTransaction(conn -> apply(conn, items, lease, batchStartNanos)));
    }

    private Uni<Result> apply(SqlConnection conn, List<CaptureItem> items, LockLease lease, long startNanos) {
        List<Trade> trades = new ArrayList<>(items.size());
        Map<Trade, CaptureItem> byTrade = new IdentityHashMap<>(items.size() * 2);
        Set<String> keys = new LinkedHashSet<>();
        Set<String> tradeIds = new LinkedHashSet<>();
        for (CaptureItem item : items) {
            if (item.accepted()) {
                trades.add(item.trade());
                byTrade.put(item.trade(), item);
                keys.add(item.trade().key().value());
                tradeIds.add(item.trade().tradeId());
            }
        }
        if (trades.isEmpty()) {
            return write(conn, items, List.of(), new CaptureDecider.Plan(List.of(), Map.of()), lease, startNanos);
        }
        // Both reads go out together (pipelined on the connection, executed in this order): the
        // row locks first, then the history, which no other writer can change while they are held.
        return Uni.combine().all().unis(positions.lockAll(conn, keys), versions.history(conn, tradeIds))
                .with((stored, history) -> CaptureDecider.decide(trades, t -> byTrade.get(t).blotter().pending(),
                        stored, history, lease::fence))
                .flatMap(plan -> write(conn, items, trades, plan, lease, startNanos));
    }

    private Uni<Result> write(SqlConnection conn, List<CaptureItem> items, List<Trade> trades,
                              CaptureDecider.Plan plan, LockLease lease, long startNanos) {
        Instant now = Instant.now();
        OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
        long elapsedMillis = (System.nanoTime() - startNanos) / 1_000_000;
        Map<Trade, Decision> decisions = new IdentityHashMap<>(trades.size() * 2);
        Map<Decision, byte[]> capturedJson = new IdentityHashMap<>();
        for (Decision d : plan.decisions()) {
            decisions.put(d.trade(), d);
        }
        List<TradeVersionRow> rows = new ArrayList<>();
        List<ExceptionRow> exceptionRows = new ArrayList<>();
        List<OutgoingRecord> outgoing = new ArrayList<>(items.size());
        int captured = 0, duplicates = 0, superseded = 0, rejected = 0;
        for (CaptureItem item : items) {
            IncomingTrade in = item.record();
            if (!item.accepted()) {
                rejected++;
                exceptionRows.add(exception(in, item.rejection().reasonCode().name(), item.rejection().detail(), null, at));
                outgoing.add(dlq(in, item.rejection().reasonCode().name(), item.rejection().detail()));
                continue;
            }
            Trade trade = item.trade();
            Decision d = decisions.get(trade);
            String key = trade.key().value();
            if (d.rejected()) {
                rejected++;
                exceptionRows.add(exception(in, d.rejectReason(), d.rejectDetail(), trade, at));
                outgoing.add(dlq(in, d.rejectReason(), d.rejectDetail()));
            } else if (d.status() == CaptureStatus.CAPTURED) {
                captured++;
                long fence = lease.fence(key);
                byte[] json = events.toJson(trade, item.blotter(), CaptureStatus.CAPTURED, d.positionAfter(), fence,
                        now, elapsedMillis);
                capturedJson.put(d, json);
                rows.add(new TradeVersionRow(trade.tradeId(), trade.version(), key, trade.action().name(),
                        d.contribution().quantity(), d.contribution().notional(), d.contribution().live(), d.pending(),
                        trade.sequenceNumber(), trade.idempotencyKey(), fence, in.partition(), in.offset(), at, json));
                for (MissingReference missing : item.blotter().missingReferenceData()) {
                    exceptionRows.add(exception(in, missing.reason().name(), missing.detail(), trade, at));
                }
                outgoing.add(event(key, json));
            } else if (d.status() == CaptureStatus.DUPLICATE) {
                duplicates++;
                byte[] first = d.duplicateOf() != null ? d.duplicateOf().capturedEvent() : capturedJson.get(d.firstInBatch());
                outgoing.add(event(key, events.asDuplicate(first)));
            } else {
                superseded++;
                byte[] json = events.toJson(trade, item.blotter(), CaptureStatus.SUPERSEDED, d.positionAfter(),
                        lease.fence(key), now, elapsedMillis);
                outgoing.add(event(key, json));
            }
        }
        int expectedPositions = plan.positions().size();
        int expectedRows = rows.size();
        Result result = new Result(outgoing, captured, duplicates, superseded, rejected);
        // Rows in a fixed order, so two transactions that ever meet on a row cannot deadlock.
        rows.sort(VERSION_ORDER);
        List<Position> changed = new ArrayList<>(plan.positions().values());
        changed.sort(Comparator.comparing(Position::partitionKey));
        // The three writes go out together (pipelined, executed in this order); any failed check
        // fails the Uni and the transaction rolls back as a whole.
        return Uni.combine().all().unis(positions.upsert(conn, changed, at), versions.insert(conn, rows),
                        exceptions.insert(conn, exceptionRows))
                .with((upserted, inserted, ignored) -> {
                    if (upserted != expectedPositions) {
                        throw new ConcurrentCaptureException((expectedPositions - upserted)
                                + " position(s) refused by the fencing check: a newer lock holder wrote them");
                    }
                    if (inserted != expectedRows) {
                        throw new ConcurrentCaptureException((expectedRows - inserted)
                                + " trade version(s) were stored by another writer meanwhile");
                    }
                    return result;
                });
    }

    private OutgoingRecord event(String key, byte[] json) {
        return new OutgoingRecord(topics.captured(), key, json, Map.of());
    }

    private OutgoingRecord dlq(IncomingTrade in, String reason, String detail) {
        return new OutgoingRecord(topics.dlq(), in.key(), in.payload(), Map.of(
                "reasonCode", reason,
                "detail", detail == null ? "" : detail,
                "sourceTopic", in.topic(),
                "sourcePartition", Integer.toString(in.partition()),
                "sourceOffset", Long.toString(in.offset())));
    }

    private static ExceptionRow exception(IncomingTrade in, String reason, String detail, Trade trade, OffsetDateTime at) {
        return new ExceptionRow(reason, detail, trade == null ? null : trade.tradeId(),
                trade == null ? null : trade.version(), trade == null ? in.key() : trade.key().value(), in.topic(),
                in.partition(), in.offset(), in.payload(), at);
    }
}
