package com.pb.synth.tradecapture.capture;

import com.pb.synth.tradecapture.config.CaptureConfig;
import com.pb.synth.tradecapture.domain.CaptureDecider;
import com.pb.synth.tradecapture.domain.CaptureStatus;
import com.pb.synth.tradecapture.domain.Decision;
import com.pb.synth.tradecapture.domain.Position;
import com.pb.synth.tradecapture.domain.MissingReference;
import com.pb.synth.tradecapture.domain.ReasonCode;
import com.pb.synth.tradecapture.domain.RefusedSlot;
import com.pb.synth.tradecapture.domain.Sequenced;
import com.pb.synth.tradecapture.domain.StoreLimits;
import com.pb.synth.tradecapture.domain.StoredVersion;
import com.pb.synth.tradecapture.domain.Trade;
import com.pb.synth.tradecapture.lock.LockLease;
import com.pb.synth.tradecapture.store.ExceptionRepository;
import com.pb.synth.tradecapture.store.FrozenWriters;
import com.pb.synth.tradecapture.store.LotBooker;
import com.pb.synth.tradecapture.store.ExceptionRow;
import com.pb.synth.tradecapture.store.PositionRepository;
import com.pb.synth.tradecapture.store.PublishedOffsets;
import com.pb.synth.tradecapture.store.TradeVersionRepository;
import com.pb.synth.tradecapture.store.TradeVersionRow;
import com.pb.synth.tradecapture.store.CaptureStore;
import com.pb.synth.tradecapture.store.TransactionRetry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One SQL transaction per batch: row-lock the keys' positions, read the trades' stored versions,
 * decide every trade in input order, then write trade versions, fenced positions and exceptions.
 * Returns the records to publish, in input order, once the transaction has committed.
 */
@Singleton
public class CaptureTransaction {

    /**
     * What a committed batch publishes, its outcome counts for the meters, and the items decided
     * HELD (waiting for a sequence gap), which are neither stored nor published.
     */
    public record Result(List<OutgoingRecord> outgoing, int captured, int duplicates, int superseded,
                         List<String> rejectReasons, List<CaptureItem> held, Set<String> lotKeys) {
        public int rejected() {
            return rejectReasons.size();
        }
    }

    private static final Comparator<TradeVersionRow> VERSION_ORDER =
            Comparator.comparing(TradeVersionRow::tradeId).thenComparingInt(TradeVersionRow::version);
    private static final int MAX_DETAIL = 1000;

    private static final int MAX_KEY = 200;

    private final Pool pool;
    private final TransactionRetry retry;
    private final PositionRepository positions;
    private final TradeVersionRepository versions;
    private final ExceptionRepository exceptions;
    private final CapturedEventMapper events;
    private final CaptureConfig.Topics topics;
    private final int maxEventBytes;
    private final PublishedOffsets published;
    private final PublicationCheck check;
    private final FrozenWriters frozen;
    private final LotBooker lots;

    public CaptureTransaction(@CaptureStore Pool pool, PositionRepository positions, TradeVersionRepository versions,
                              ExceptionRepository exceptions, CapturedEventMapper events, CaptureConfig config,
                              TransactionRetry retry, PublishedOffsets published, PublicationCheck check,
                              FrozenWriters frozen, LotBooker lots) {
        this.frozen = frozen;
        this.lots = lots;
        this.published = published;
        this.check = check;
        this.pool = pool;
        this.retry = retry;
        this.positions = positions;
        this.versions = versions;
        this.exceptions = exceptions;
        this.events = events;
        this.topics = config.topics();
        this.maxEventBytes = config.producer().maxRequestSize() - 1024;
    }

    /**
     * What one run of the transaction came to: {@link Written} (committed), or {@link Unknown}: it
     * stopped before writing anything, because records read again above their partition's published
     * mark stored versions whose events may or may not have gone out.
     */
    private sealed interface Attempt permits Written, Unknown {
    }

    private record Written(Result result) implements Attempt {
    }

    private record Unknown(List<StoredVersion> versions) implements Attempt {
    }

    /** Decides and writes the items; {@code gapExpired} tells which held items have waited out their gap. */
    public Uni<Result> apply(List<CaptureItem> items, LockLease lease, long batchStartNanos,
                             Predicate<CaptureItem> gapExpired) {
        return attempt(items, lease, batchStartNanos, gapExpired, Map.of()).flatMap(first -> {
            if (first instanceof Written w) {
                return Uni.createFrom().item(w.result());
            }
            // Records read again above their published mark: ask the topic, outside the
            // transaction, whether their events went out, then decide again with the answer.
            List<StoredVersion> unknown = ((Unknown) first).versions();
            long settled = System.currentTimeMillis() - PublicationCheck.SETTLE_MS;
            if (unknown.stream().anyMatch(v -> v.capturedAtMillis() > settled)) {
                // Its writer may be frozen with the event in its producer's buffer: wait until
                // that event has either reached the topic or expired before reading the topic.
                return Uni.createFrom().failure(new ConcurrentCaptureException(unknown.size()
                        + " stored version(s) captured too recently to tell whether their events went out"));
            }
            return check.published(unknown).flatMap(found -> {
                Map<String, Boolean> known = new java.util.HashMap<>();
                unknown.forEach(v -> known.put(PublicationCheck.id(v), found.contains(PublicationCheck.id(v))));
                return attempt(items, lease, batchStartNanos, gapExpired, known);
            }).flatMap(second -> second instanceof Written w ? Uni.createFrom().item(w.result())
                    : Uni.createFrom().failure(new ConcurrentCaptureException(((Unknown) second).versions().size()
                            + " stored version(s) whose events may not have been published, after the topic was read")));
        });
    }

    private Uni<Attempt> attempt(List<CaptureItem> items, LockLease lease, long batchStartNanos,
                                 Predicate<CaptureItem> gapExpired, Map<String, Boolean> known) {
        return retry.run(() -> pool.withTransaction(conn -> apply(conn, items, lease, batchStartNanos, gapExpired,
                        known))).onFailure().recoverWithUni(frozen::<Attempt>afterFailure)
                // committed: the lot changes it queued are booked behind it
                .invoke(a -> {
                    if (a instanceof Written w) {
                        lots.queued(w.result().lotKeys());
                    }
                });
    }

    private Uni<Attempt> apply(SqlConnection conn, List<CaptureItem> items, LockLease lease, long startNanos,
                              Predicate<CaptureItem> gapExpired, Map<String, Boolean> known) {
        // Trades and refused records with a place in their key's sequence, in input order, for the decider.
        List<Sequenced> entries = new ArrayList<>(items.size());
        Map<Trade, CaptureItem> byTrade = new IdentityHashMap<>(items.size() * 2);
        Map<RefusedSlot, CaptureItem> bySlot = new IdentityHashMap<>();
        Set<String> keys = new LinkedHashSet<>();
        Set<String> refusedKeys = new LinkedHashSet<>();
        Set<String> tradeIds = new LinkedHashSet<>();
        for (CaptureItem item : items) {
            if (item.accepted()) {
                entries.add(item.trade());
                byTrade.put(item.trade(), item);
                keys.add(item.trade().key().value());
                tradeIds.add(item.trade().tradeId());
            } else if (item.slot() != null) {
                entries.add(item.slot());
                bySlot.put(item.slot(), item);
                keys.add(item.slot().key());
                refusedKeys.add(item.slot().key());
            }
        }
        if (entries.isEmpty()) {
            return write(conn, items, byTrade, new CaptureDecider.Plan(List.of(), Map.of()), lease, startNanos, Map.of(),
                    known, new Refused(bySlot, Set.of()), Set.of());
        }
        // The reads go out together (pipelined on the connection, executed in this order): the row
        // locks first, then the history and the refused records already recorded (only for a batch
        // that has one).
        return Uni.combine().all().unis(positions.lockAll(conn, keys), versions.history(conn, tradeIds),
                        exceptions.refused(conn, refusedKeys))
                .with((stored, history, recorded) -> {
                    Map<String, Long> behind = new java.util.HashMap<>();
                    stored.forEach((key, p) -> {
                        if (p.fencingToken() > lease.fence(key)) {
                            behind.put(key, p.fencingToken());
                        }
                    });
                    if (!behind.isEmpty()) {
                        throw new FencesBehindException(behind);
                    }
                    return new Decided(CaptureDecider.decide(entries, t -> byTrade.get(t).blotter().pending(), stored,
                            history, lease::fence, e -> gapExpired.test(e instanceof Trade t ? byTrade.get(t)
                                    : bySlot.get((RefusedSlot) e))), new Refused(bySlot, recorded),
                            stored.keySet());
                })
                .flatMap(decided -> {
                    CaptureDecider.Plan plan = decided.plan();
                    // A record redelivered whose version it stored itself: was its event published?
                    Set<String> topicsToCheck = new LinkedHashSet<>();
                    for (Decision d : plan.decisions()) {
                        IncomingTrade in = byTrade.get(d.trade()).record();
                        if (d.duplicateOf() != null && d.duplicateOf().capturedFrom(in.partition(), in.offset())) {
                            topicsToCheck.add(in.topic());
                        }
                    }
                    if (topicsToCheck.isEmpty()) {
                        return write(conn, items, byTrade, plan, lease, startNanos, Map.of(), known, decided.refused(),
                                decided.positionKeys());
                    }
                    Map<String, Map<Integer, Long>> marks = new java.util.HashMap<>();
                    Uni<Void> read = Uni.createFrom().voidItem();
                    for (String topic : topicsToCheck) {
                        read = read.flatMap(v -> published.read(conn, topic).invoke(m -> marks.put(topic, m))
                                .replaceWithVoid());
                    }
                    return read.flatMap(v -> write(conn, items, byTrade, plan, lease, startNanos, marks, known,
                            decided.refused(), decided.positionKeys()));
                });
    }

    /** The refused records with a place in their sequence, and those already recorded (their fingerprints). */
    private record Refused(Map<RefusedSlot, CaptureItem> bySlot, Set<String> recorded) {
    }

    /** The decisions, the refused records, and the keys with a stored position. */
    private record Decided(CaptureDecider.Plan plan, Refused refused, Set<String> positionKeys) {
    }

    /**
     * True when a redelivered record's stored version may never have had its event published: the
     * version was captured from this very record, and the record is above its partition's mark.
     */
    private static boolean unpublished(StoredVersion stored, IncomingTrade in, Map<String, Map<Integer, Long>> marks) {
        return stored.capturedFrom(in.partition(), in.offset())
                && in.offset() > marks.getOrDefault(in.topic(), Map.of()).getOrDefault(in.partition(), -1L);
    }

    /** Records that the broker acknowledged these items' events: their partitions' marks rise to them. */
    public Uni<Void> markPublished(List<CaptureItem> items, List<CaptureItem> held) {
        Map<String, Map<Integer, Long>> highest = new java.util.HashMap<>();
        Map<String, Long> lowestHeld = new java.util.HashMap<>();
        for (CaptureItem h : held) {
            lowestHeld.merge(h.record().topic() + "\u0000" + h.record().partition(), h.record().offset(), Math::min);
        }
        for (CaptureItem item : items) {
            IncomingTrade in = item.record();
            if (in.ack() == BatchAck.NONE) {
                continue;
            }
            long offset = in.offset();
            Long heldBelow = lowestHeld.get(in.topic() + "\u0000" + in.partition());
            if (heldBelow != null) {
                offset = Math.min(offset, heldBelow - 1); // a held record is not published yet
            }
            if (offset >= 0) {
                highest.computeIfAbsent(in.topic(), t -> new java.util.HashMap<>()).merge(in.partition(), offset, Math::max);
            }
        }
        Uni<Void> all = Uni.createFrom().voidItem();
        for (Map.Entry<String, Map<Integer, Long>> e : highest.entrySet()) {
            all = all.flatMap(v -> published.mark(e.getKey(), e.getValue()));
        }
        return all;
    }

    private Uni<Attempt> write(SqlConnection conn, List<CaptureItem> items, Map<Trade, CaptureItem> byTrade,
                              CaptureDecider.Plan plan, LockLease lease, long startNanos,
                              Map<String, Map<Integer, Long>> marks, Map<String, Boolean> known, Refused refused,
                              Set<String> positionKeys) {
        Instant now = Instant.now();
        List<Object[]> lotChanges = new ArrayList<>();
        Set<String> lotKeys = new LinkedHashSet<>();
        OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
        long elapsedMillis = (System.nanoTime() - startNanos) / 1_000_000;
        Map<Decision, byte[]> capturedJson = new IdentityHashMap<>();
        List<TradeVersionRow> rows = new ArrayList<>();
        List<ExceptionRow> exceptionRows = new ArrayList<>();
        List<OutgoingRecord> outgoing = new ArrayList<>(items.size());
        List<CaptureItem> held = new ArrayList<>();
        List<StoredVersion> unknown = new ArrayList<>();
        int captured = 0, duplicates = 0, superseded = 0;
        List<String> rejected = new ArrayList<>();
        for (CaptureItem item : items) {
            if (!item.accepted() && item.slot() == null) {
                rejected.add(item.rejection().reasonCode().name());
                reject(item.record(), item.trade(), item.rejection().reasonCode().name(), item.rejection().detail(), at,
                        exceptionRows, outgoing);
            }
        }
        // Refused records whose place in the sequence came: each consumed its number. The same bytes
        // with the same key and number again open no second exception; the DLQ gets the record again,
        // as any redelivered refusal: the first one's DLQ record may not have gone out before a crash.
        Set<String> seen = new java.util.HashSet<>(refused.recorded());
        for (RefusedSlot slot : plan.refused()) {
            CaptureItem item = refused.bySlot().get(slot);
            byte[] sha = sha256(item.record().payload());
            String reason = item.rejection().reasonCode().name();
            String detail = StoreLimits.sanitize(item.rejection().detail(), MAX_DETAIL);
            rejected.add(reason);
            outgoing.add(dlq(item.record(), reason, detail));
            if (seen.add(ExceptionRepository.fingerprint(slot.key(), slot.sequence(), sha))) {
                exceptionRows.add(exception(item.record(), reason, detail, item.trade(), at).inSequence(slot.sequence(), sha));
            }
        }
        for (RefusedSlot slot : plan.heldRefused()) {
            held.add(refused.bySlot().get(slot));
        }
        // In decision order: a key's trades released from a sequence gap come after the trade that filled it.
        for (Decision d : plan.decisions()) {
            Trade trade = d.trade();
            CaptureItem item = byTrade.get(trade);
            IncomingTrade in = item.record();
            String key = trade.key().value();
            if (d.status() == CaptureStatus.HELD) {
                held.add(item);
            } else if (d.rejected()) {
                rejected.add(d.rejectReason());
                reject(in, trade, d.rejectReason(), d.rejectDetail(), at, exceptionRows, outgoing);
            } else if (d.status() == CaptureStatus.CAPTURED) {
                captured++;
                long fence = lease.fence(key);
                byte[] json = events.toJson(trade, item.blotter(), CaptureStatus.CAPTURED, d.positionAfter(), fence,
                        now, elapsedMillis);
                if (json.length > maxEventBytes) {
                    throw new CaptureRejectedException(ReasonCode.EVENT_TOO_LARGE, "the captured event of "
                            + trade.tradeId() + " v" + trade.version() + " is " + json.length
                            + " bytes, more than the producer's limit of " + maxEventBytes);
                }
                capturedJson.put(d, json);
                lotChanges.add(lots.queueRow(lotChanges.size(), trade, d.contribution().live(), now));
                lotKeys.add(key);
                rows.add(new TradeVersionRow(trade.tradeId(), trade.version(), key, trade.action().name(),
                        d.contribution().quantity(), d.contribution().notional(), d.contribution().live(), d.pending(),
                        trade.sequenceNumber(), trade.idempotencyKey(), fence, in.partition(), in.offset(), at, json));
                for (MissingReference missing : item.blotter().missingReferenceData()) {
                    exceptionRows.add(exception(in, missing.reason().name(), missing.detail(), trade, at));
                }
                // stamped with its capture time: the captured topic refuses it once it is too late
                outgoing.add(new OutgoingRecord(topics.captured(), key, json, in.forwardedHeaders(), now.toEpochMilli()));
            } else if (d.status() == CaptureStatus.DUPLICATE) {
                duplicates++;
                StoredVersion stored = d.duplicateOf();
                Boolean wentOut = stored != null && unpublished(stored, in, marks)
                        ? known.get(PublicationCheck.id(stored)) : Boolean.TRUE;
                if (wentOut == null) {
                    unknown.add(stored);
                } else if (!wentOut) {
                    // its writer stopped between commit and publish: the event goes out as first written
                    outgoing.add(event(in, key, stored.capturedEvent()));
                } else {
                    byte[] first = stored != null ? stored.capturedEvent() : capturedJson.get(d.firstInBatch());
                    outgoing.add(event(in, key, events.asDuplicate(first)));
                }
            } else {
                superseded++;
                byte[] json = events.toJson(trade, item.blotter(), CaptureStatus.SUPERSEDED, d.positionAfter(),
                        lease.fence(key), now, elapsedMillis);
                outgoing.add(event(in, key, json));
            }
        }
        if (!unknown.isEmpty()) {
            // nothing written: the transaction ends holding only its row locks
            return Uni.createFrom().item(new Unknown(unknown));
        }
        int expectedPositions = plan.positions().size();
        int expectedRows = rows.size();
        Result result = new Result(outgoing, captured, duplicates, superseded, rejected, held, lotKeys);
        // Rows in a fixed order, so two transactions that ever meet on a row cannot deadlock.
        rows.sort(VERSION_ORDER);
        List<Position> changed = new ArrayList<>(plan.positions().values());
        changed.sort(Comparator.comparing(Position::partitionKey));
        // The three writes go out together (pipelined, executed in this order); any failed check
        // fails the Uni and the transaction rolls back as a whole.
        List<String> lateIds = plan.late().stream().map(Trade::tradeId).toList();
        List<Integer> lateVersions = plan.late().stream().map(Trade::version).toList();
        List<Trade> lateSequenced = plan.late().stream().filter(t -> t.sequenceNumber() != null).toList();
        // New positions get an empty lot book (so they never need building); the changes to the keys'
        // lots are queued, in decision order, for the booker.
        List<String> newBooks = new ArrayList<>();
        for (Position p : changed) {
            if (!positionKeys.contains(p.partitionKey())) {
                newBooks.add(p.partitionKey());
            }
        }
        return Uni.combine().all()
                .unis(positions.upsert(conn, changed, at),
                        versions.insert(conn, rows), exceptions.insert(conn, exceptionRows),
                        exceptions.resolveSequenceGaps(conn, lateIds, lateVersions, at),
                        exceptions.resolveRefused(conn, lateSequenced.stream().map(Trade::sequenceKey).toList(),
                                lateSequenced.stream().map(Trade::sequenceNumber).toList(), at),
                        lots.queue(conn, lotChanges, newBooks, at))
                .with((upserted, inserted, ignored, resolved, resolvedRefused, lotRows) -> {
                    if (upserted != expectedPositions) {
                        throw new ConcurrentCaptureException((expectedPositions - upserted)
                                + " position(s) refused by the fencing check: a newer lock holder wrote them");
                    }
                    if (inserted != expectedRows) {
                        throw new ConcurrentCaptureException((expectedRows - inserted)
                                + " trade version(s) were stored by another writer meanwhile");
                    }
                    return (Attempt) new Written(result);
                });
    }

    private void reject(IncomingTrade in, Trade trade, String reason, String detail, OffsetDateTime at,
                        List<ExceptionRow> exceptionRows, List<OutgoingRecord> outgoing) {
        String safe = StoreLimits.sanitize(detail, MAX_DETAIL);
        exceptionRows.add(exception(in, reason, safe, trade, at));
        outgoing.add(dlq(in, reason, safe));
    }

    /** The SHA-256 of a refused record's payload (null for none): with its key and number, its identity. */
    static byte[] sha256(byte[] payload) {
        if (payload == null) {
            return null;
        }
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(payload);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private OutgoingRecord event(IncomingTrade in, String key, byte[] json) {
        return new OutgoingRecord(topics.captured(), key, json, in.forwardedHeaders());
    }

    /**
     * True when the store takes a capture's writes: one synthetic position, trade version and
     * exception, written with the hot path's own statements in a transaction that is then rolled
     * back. A record that fails alone while this passes is at fault, not the store.
     */
    public Uni<Boolean> canary() {
        OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC);
        String id = "canary-" + java.util.UUID.randomUUID();
        String key = "canary_canary_" + id;
        Position position = new Position(key, BigDecimal.ONE, BigDecimal.ONE, 1, 0, 0);
        TradeVersionRow version = new TradeVersionRow(id, 1, key, "NEW", BigDecimal.ONE, BigDecimal.ONE, true, false,
                null, null, 0, 0, 0, at, new byte[] {'{', '}'});
        ExceptionRow exception = new ExceptionRow(ReasonCode.CAPTURE_FAILED.name(), "canary", id, 1, key, "canary", 0, 0,
                null, at);
        return pool.withTransaction(conn -> positions.upsert(conn, List.of(position), at)
                        .flatMap(n -> versions.insert(conn, List.of(version)))
                        .flatMap(n -> exceptions.insert(conn, List.of(exception)))
                        .flatMap(n -> Uni.createFrom().<Boolean>failure(new CanaryDone())))
                .onFailure(CanaryDone.class).recoverWithItem(true)
                .onFailure().recoverWithItem(false);
    }

    /** Rolls the canary's transaction back once its writes went through. */
    private static final class CanaryDone extends RuntimeException {
        CanaryDone() {
            super("canary written", null, false, false);
        }
    }

    /** The DLQ record of a record set aside, for when even its exception row cannot be stored. */
    public OutgoingRecord dlqOnly(CaptureItem item) {
        return dlq(item.record(), item.rejection().reasonCode().name(),
                StoreLimits.sanitize(item.rejection().detail(), MAX_DETAIL));
    }

    private OutgoingRecord dlq(IncomingTrade in, String reason, String detail) {
        Map<String, String> headers = new HashMap<>(in.forwardedHeaders());
        headers.put("reasonCode", reason);
        headers.put("detail", detail == null ? "" : detail);
        headers.put("sourceTopic", in.topic());
        headers.put("sourcePartition", Integer.toString(in.partition()));
        headers.put("sourceOffset", Long.toString(in.offset()));
        return new OutgoingRecord(topics.dlq(), in.key(), in.payload() == null ? new byte[0] : in.payload(), headers);
    }

    private static ExceptionRow exception(IncomingTrade in, String reason, String detail, Trade trade, OffsetDateTime at) {
        return new ExceptionRow(reason, detail, trade == null ? null : trade.tradeId(),
                trade == null ? null : trade.version(),
                trade == null ? StoreLimits.sanitize(in.key(), MAX_KEY) : trade.key().value(), in.topic(),
                in.partition(), in.offset(), in.payload() == null || in.payload().length == 0 ? null : in.payload(), at);
    }
}
