package com.pb.synth.tradecapture.ingest;

import static com.pb.synth.tradecapture.store.Statement.bind;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pb.synth.tradecapture.domain.FifoLots;
import com.pb.synth.tradecapture.domain.Lot;
import com.pb.synth.tradecapture.domain.Page;
import com.pb.synth.tradecapture.domain.Position;
import com.pb.synth.tradecapture.domain.Side;
import com.pb.synth.tradecapture.store.Statement;
import com.pb.synth.tradecapture.store.StoreStatements;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.BiFunction;

/** Read side of the API: a trade's captured versions, a key's position, the exceptions to repair. */
@ApplicationScoped
public class QueryRepository {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(QueryRepository.class);

    static final Statement VERSIONS = Statement.portable("trade versions",
            "SELECT captured_event FROM trade_versions WHERE trade_id = $1 ORDER BY version",
            bind("trade_versions.trade_id", String.class));
    static final Statement DECISIONS = Statement.portable("approval decisions of a trade",
            "SELECT version, decision, comment, decided_by, decided_at FROM approval_decisions WHERE trade_id = $1 "
                    + "ORDER BY version", bind("approval_decisions.trade_id", String.class));
    static final Statement POSITION = Statement.portable("position",
            "SELECT partition_key, account_id, book_id, security_id, quantity, notional, trade_count, pending_count, "
                    + "fencing_token, updated_at FROM positions WHERE partition_key = $1",
            bind("positions.partition_key", String.class));
    // The key's live trades, newest version each, in the order their first version was captured.
    static final Statement LIVE_TRADES = Statement.of("live trades of a key",
            liveTrades("$1", "live"), liveTrades("@p1", "live = 1"), bind("trade_versions.partition_key", String.class));
    static final Statement SNAPSHOT = Statement.of("read-only snapshot",
            "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY",
            "SET TRANSACTION ISOLATION LEVEL SNAPSHOT");
    // SQL Server keeps a SET TRANSACTION ISOLATION LEVEL for the session, so the pooled connection
    // would carry SNAPSHOT into whatever runs on it next (READPAST then fails, updates conflict).
    static final Statement RESTORE_ISOLATION = Statement.of("restore read committed",
            "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED",
            "SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
    /** Rows of a key's live trades fetched at a time by the position reads' cursor. */
    static final int FETCH = 500;
    /** What a position read runs on its connection, in order; the last restores the session's isolation. */
    public static final List<Statement> POSITION_READ = List.of(SNAPSHOT, POSITION, LIVE_TRADES, RESTORE_ISOLATION);
    private static final String EXCEPTION_COLUMNS = "exception_id, reason_code, detail, trade_id, version, "
            + "partition_key, source_topic, source_partition, source_offset, status, created_at, resolved_at, "
            + "repaired_by, repair_job_id, sequence_number";
    static final Statement EXCEPTIONS = Statement.of("exceptions",
            "SELECT " + EXCEPTION_COLUMNS + " FROM trade_exceptions WHERE status = $1 AND exception_id > $2 "
                    + "ORDER BY exception_id LIMIT $3",
            "SELECT TOP (@p3) " + EXCEPTION_COLUMNS + " FROM trade_exceptions WHERE status = @p1 "
                    + "AND exception_id > @p2 ORDER BY exception_id",
            bind("trade_exceptions.status", String.class), bind("trade_exceptions.exception_id", Long.class),
            bind(null, Integer.class));
    static final Statement EXCEPTIONS_BY_REASON = Statement.of("exceptions of one reason",
            "SELECT " + EXCEPTION_COLUMNS + " FROM trade_exceptions WHERE status = $1 AND exception_id > $2 "
                    + "AND reason_code = $4 ORDER BY exception_id LIMIT $3",
            "SELECT TOP (@p3) " + EXCEPTION_COLUMNS + " FROM trade_exceptions WHERE status = @p1 "
                    + "AND exception_id > @p2 AND reason_code = @p4 ORDER BY exception_id",
            bind("trade_exceptions.status", String.class), bind("trade_exceptions.exception_id", Long.class),
            bind(null, Integer.class), bind("trade_exceptions.reason_code", String.class));
    static final Statement EXCEPTION = Statement.portable("one exception",
            "SELECT " + EXCEPTION_COLUMNS + ", payload FROM trade_exceptions WHERE exception_id = $1",
            bind("trade_exceptions.exception_id", Long.class));
    static final Statement REPAIRED = Statement.portable("exception repaired",
            "UPDATE trade_exceptions SET status = 'REPAIRED', resolved_at = $2, repaired_by = $3, repair_job_id = $4 "
                    + "WHERE exception_id = $1 AND status = 'OPEN'",
            bind("trade_exceptions.exception_id", Long.class), bind("trade_exceptions.resolved_at", OffsetDateTime.class),
            bind("trade_exceptions.repaired_by", String.class), bind("trade_exceptions.repair_job_id", String.class));

    /** Every statement of the read API, for the dialect test. */
    public static final List<Statement> STATEMENTS = List.of(VERSIONS, DECISIONS, POSITION, LIVE_TRADES, SNAPSHOT,
            RESTORE_ISOLATION, EXCEPTIONS, EXCEPTIONS_BY_REASON, EXCEPTION, REPAIRED);

    private static String liveTrades(String key, String live) {
        return "SELECT trade_id, version, captured_event, first_at FROM (SELECT trade_id, version, live, captured_event, "
                + "min(captured_at) OVER (PARTITION BY trade_id) AS first_at, "
                + "min(source_offset) OVER (PARTITION BY trade_id) AS first_offset, "
                + "row_number() OVER (PARTITION BY trade_id ORDER BY version DESC) AS newest "
                + "FROM trade_versions WHERE partition_key = " + key + ") v WHERE newest = 1 AND " + live
                + " ORDER BY first_at, first_offset, trade_id";
    }

    /**
     * A trade's blotter as captured, every version oldest first, and the approval decisions taken on
     * its versions since (the decision's event is on the output topic; the stored versions stay as captured).
     */
    public record TradeView(String tradeId, JsonNode latest, List<JsonNode> versions, List<DecisionView> decisions) {
    }

    /** An approval decision on one version of a trade. */
    public record DecisionView(int version, String decision, String comment, String decidedBy, OffsetDateTime decidedAt) {
    }

    /**
     * A key's position: its open lots one page at a time (oldest first, {@code openLotCount} in all,
     * {@code nextLotsAfter} the cursor of the next page, null on the last), and the first page of its
     * reliefs ({@code reliefCount} in all; the rest by {@link #reliefs}).
     */
    public record PositionView(String partitionKey, String accountId, String bookId, String securityId,
                               BigDecimal quantity, BigDecimal notional, BigDecimal averagePrice, int tradeCount,
                               int pendingCount, long fencingToken, OffsetDateTime updatedAt,
                               List<FifoLots.OpenLot> openLots, long openLotCount, Long nextLotsAfter,
                               List<FifoLots.Relief> reliefs, long reliefCount) {
    }

    /** A UTC date range, both ends included; either end open when null. */
    public record Dates(LocalDate from, LocalDate to) {

        boolean contains(Instant at) {
            if (at == null) {
                return from == null && to == null;
            }
            LocalDate day = at.atOffset(ZoneOffset.UTC).toLocalDate();
            return (from == null || !day.isBefore(from)) && (to == null || !day.isAfter(to));
        }
    }

    /**
     * An exception to repair; its payload is kept in the table. {@code sequenceNumber}: the number a
     * refused record took in its key's sequence (null when it took none).
     */
    public record ExceptionView(long exceptionId, String reasonCode, String detail, String tradeId, Integer version,
                                String partitionKey, String sourceTopic, int sourcePartition, long sourceOffset,
                                String status, OffsetDateTime createdAt, OffsetDateTime resolvedAt, String repairedBy,
                                String repairJobId, Long sequenceNumber) {
    }

    /**
     * One exception with the record it came from: {@code payload} as UTF-8 text when it is that
     * ({@code payloadEncoding} "utf-8"), else Base64 ("base64"); null when no record was kept.
     */
    public record ExceptionDetail(@JsonUnwrapped ExceptionView exception, String payload, String payloadEncoding) {
    }

    private final StoreStatements store;
    private final ObjectMapper mapper;

    public QueryRepository(StoreStatements store, ObjectMapper mapper) {
        this.store = store;
        this.mapper = mapper;
    }

    public Uni<TradeView> trade(String tradeId) {
        return store.run(VERSIONS, tradeId).flatMap(rows -> {
            List<JsonNode> versions = new ArrayList<>();
            for (Row row : rows) {
                try {
                    versions.add(mapper.readTree(row.getBuffer("captured_event").getBytes()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            if (versions.isEmpty()) {
                return Uni.createFrom().nullItem();
            }
            return store.run(DECISIONS, tradeId).map(found -> {
                List<DecisionView> decisions = new ArrayList<>();
                for (Row r : found) {
                    decisions.add(new DecisionView(r.getInteger("version"), r.getString("decision"),
                            r.getString("comment"), r.getString("decided_by"), r.getOffsetDateTime("decided_at")));
                }
                return new TradeView(tradeId, versions.get(versions.size() - 1), versions, decisions);
            });
        });
    }

    /**
     * A key's position with its FIFO lot breakdown, both read in one repeatable-read snapshot so
     * the open lots add up to the quantity ({@link #POSITION_READ}). After the transaction, on the
     * same connection, the session goes back to READ COMMITTED before the pool has it again.
     */
    public Uni<PositionView> position(String partitionKey, long lotsAfter, int lotsLimit) {
        return breakdown(partitionKey, (position, lots) -> view(position, lots, lotsAfter, lotsLimit));
    }

    /** A key's reliefs made on the days of {@code dates}, a page after {@code after}; null when the key has no position. */
    public Uni<Page<FifoLots.Relief>> reliefs(String partitionKey, Dates dates, long after, int limit) {
        return breakdown(partitionKey, (position, lots) -> Page.of(lots.reliefs(), FifoLots.Relief::ordinal,
                r -> dates.contains(r.at()), after, limit));
    }

    /** A key's lots closed on the days of {@code dates}, a page after {@code after}; null when the key has no position. */
    public Uni<Page<FifoLots.ClosedLot>> closedLots(String partitionKey, Dates dates, long after, int limit) {
        return breakdown(partitionKey, (position, lots) -> Page.of(lots.closedLots(), FifoLots.ClosedLot::ordinal,
                l -> dates.contains(l.closedAt()), after, limit));
    }

    /** The key's position row and its lot breakdown, read in one snapshot, made into {@code T}; null without a position. */
    private <T> Uni<T> breakdown(String partitionKey, BiFunction<Row, FifoLots.Breakdown, T> answer) {
        return store.pool().withConnection(conn -> conn.begin().flatMap(tx -> store.run(conn, SNAPSHOT)
                        .flatMap(v -> store.run(conn, POSITION, partitionKey))
                        .flatMap(rows -> rows.size() == 0 ? Uni.createFrom().<T>nullItem()
                                : liveTrades(conn, partitionKey)
                                        .map(trades -> answer.apply(rows.iterator().next(), FifoLots.replay(trades))))
                        .call(view -> tx.commit())
                        .onFailure().call(f -> tx.rollback().onFailure().recoverWithNull()))
                .eventually(() -> store.run(conn, RESTORE_ISOLATION)
                        .onFailure().invoke(f -> LOG.warnf("could not restore READ COMMITTED after a snapshot read: %s", f))
                        .onFailure().recoverWithNull()));
    }

    /**
     * The key's live trades, their lots only, read through a cursor {@value #FETCH} rows at a time
     * and parsed on a worker thread as they come: the captured events (a few KB each) are never held
     * together, so a key with 100,000 trades costs time, not the instance's heap, and the event loop
     * is not held while they are parsed.
     */
    private Uni<List<FifoLots.TradeLots>> liveTrades(SqlConnection conn, String partitionKey) {
        return store.stream(conn, LIVE_TRADES, FETCH, partitionKey)
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(this::tradeLots)
                .collect().asList();
    }

    private FifoLots.TradeLots tradeLots(Row row) {
        JsonNode e;
        try {
            e = mapper.readTree(row.getBuffer("captured_event").getBytes());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        List<Lot> lots = new ArrayList<>();
        for (JsonNode l : e.path("tradeLots")) {
            List<Lot.LotIdentifier> ids = new ArrayList<>();
            for (JsonNode id : l.path("identifiers")) {
                ids.add(new Lot.LotIdentifier(id.path("identifier").asText(), id.path("identifierType").asText()));
            }
            lots.add(new Lot(ids, l.path("quantity").decimalValue(), l.path("financialUnit").asText(null),
                    l.path("price").decimalValue(), l.path("currency").asText(null)));
        }
        OffsetDateTime first = row.getOffsetDateTime("first_at");
        return new FifoLots.TradeLots(row.getString("trade_id"), row.getInteger("version"),
                Side.valueOf(e.path("side").asText("BUY")), lots, first == null ? null : first.toInstant());
    }

    private static PositionView view(Row r, FifoLots.Breakdown lots, long lotsAfter, int lotsLimit) {
        Position p = new Position(r.getString("partition_key"), r.getBigDecimal("quantity"),
                r.getBigDecimal("notional"), r.getInteger("trade_count"), r.getInteger("pending_count"),
                r.getLong("fencing_token"));
        Page<FifoLots.OpenLot> open = Page.of(lots.openLots(), FifoLots.OpenLot::ordinal, lotsAfter, lotsLimit);
        Page<FifoLots.Relief> reliefs = Page.of(lots.reliefs(), FifoLots.Relief::ordinal, 0, Page.DEFAULT_LIMIT);
        return new PositionView(p.partitionKey(), r.getString("account_id"), r.getString("book_id"),
                r.getString("security_id"), p.quantity(), p.notional(), p.averagePrice(), p.tradeCount(),
                p.pendingCount(), p.fencingToken(), r.getOffsetDateTime("updated_at"), open.items(), open.total(),
                open.nextAfter(), reliefs.items(), reliefs.total());
    }

    /** The exceptions of one status (and reason code, unless null) after {@code afterId}, oldest first. */
    public Uni<List<ExceptionView>> exceptions(String status, String reasonCode, long afterId, int limit) {
        Uni<RowSet<Row>> rows = reasonCode == null ? store.run(EXCEPTIONS, status, afterId, limit)
                : store.run(EXCEPTIONS_BY_REASON, status, afterId, limit, reasonCode);
        return rows.map(found -> {
            List<ExceptionView> list = new ArrayList<>();
            for (Row r : found) {
                list.add(exception(r));
            }
            return list;
        });
    }

    /** One exception with its payload, or null. */
    public Uni<ExceptionDetail> exception(long exceptionId) {
        return store.run(EXCEPTION, exceptionId).map(rows -> {
            if (rows.size() == 0) {
                return null;
            }
            Row r = rows.iterator().next();
            Buffer payload = r.getBuffer("payload");
            if (payload == null) {
                return new ExceptionDetail(exception(r), null, null);
            }
            byte[] bytes = payload.getBytes();
            try {
                String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
                return new ExceptionDetail(exception(r), text, "utf-8");
            } catch (CharacterCodingException e) {
                return new ExceptionDetail(exception(r), Base64.getEncoder().encodeToString(bytes), "base64");
            }
        });
    }

    /** Marks an open exception REPAIRED by {@code by} through job {@code jobId}; false when it was not open. */
    public Uni<Boolean> repaired(long exceptionId, String by, String jobId) {
        return store.run(REPAIRED, exceptionId, OffsetDateTime.now(ZoneOffset.UTC), by, jobId)
                .map(result -> result.rowCount() == 1);
    }

    private static ExceptionView exception(Row r) {
        return new ExceptionView(r.getLong("exception_id"), r.getString("reason_code"), r.getString("detail"),
                r.getString("trade_id"), r.getInteger("version"), r.getString("partition_key"),
                r.getString("source_topic"), r.getInteger("source_partition"), r.getLong("source_offset"),
                r.getString("status"), r.getOffsetDateTime("created_at"), r.getOffsetDateTime("resolved_at"),
                r.getString("repaired_by"), r.getString("repair_job_id"), r.getLong("sequence_number"));
    }
}
