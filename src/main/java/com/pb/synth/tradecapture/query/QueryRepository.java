package com.pb.synth.tradecapture.query;

import static com.pb.synth.tradecapture.store.Statement.bind;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pb.synth.tradecapture.domain.FifoLots;
import com.pb.synth.tradecapture.domain.Lot;
import com.pb.synth.tradecapture.domain.Page;
import com.pb.synth.tradecapture.domain.Position;
import com.pb.synth.tradecapture.domain.Side;
import com.pb.synth.tradecapture.domain.LotBook;
import com.pb.synth.tradecapture.store.LiveTrades;
import com.pb.synth.tradecapture.store.LotBooker;
import com.pb.synth.tradecapture.store.TransactionRetry;
import com.pb.synth.tradecapture.store.LotRepository;
import com.pb.synth.tradecapture.store.Statement;
import com.pb.synth.tradecapture.store.StoreStatements;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.tuples.Functions;
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
    // The position, its lot book's state (null: not built) and whether lot changes are queued for it.
    static final Statement POSITION = Statement.portable("position",
            "SELECT p.partition_key, p.account_id, p.book_id, p.security_id, p.quantity, p.notional, p.trade_count, "
                    + "p.pending_count, p.fencing_token, p.updated_at, s.lot_count, s.relief_count, s.head_ordinal, "
                    + "s.head_open, s.open_lot_count, CASE WHEN EXISTS (SELECT 1 FROM lot_queue q "
                    + "WHERE q.partition_key = p.partition_key) THEN 1 ELSE 0 END AS lots_queued FROM positions p "
                    + "LEFT JOIN lot_books s ON s.partition_key = p.partition_key WHERE p.partition_key = $1",
            bind("positions.partition_key", String.class));
    private static final String OPEN_LOT_COLUMNS = "ordinal, lot_id, trade_id, quantity, opened, price, opened_at";
    /**
     * A page of a key's open lots: those that opened, from its oldest open one (the head) on; what is
     * open of each follows from the book's state ({@link LotBook#open}).
     */
    static final Statement OPEN_LOTS = Statement.of("a page of open lots",
            "SELECT " + OPEN_LOT_COLUMNS + " FROM position_lots WHERE partition_key = $1 AND ordinal >= $2 AND ordinal > $3 "
                    + "AND opened <> 0 ORDER BY ordinal LIMIT $4",
            "SELECT TOP (@p4) " + OPEN_LOT_COLUMNS + " FROM position_lots WHERE partition_key = @p1 AND ordinal >= @p2 "
                    + "AND ordinal > @p3 AND opened <> 0 ORDER BY ordinal",
            bind("position_lots.partition_key", String.class), bind("position_lots.ordinal", Long.class),
            bind("position_lots.ordinal", Long.class), bind(null, Integer.class));
    private static final String RELIEF_COLUMNS = "ordinal, trade_id, lot_id, relieved_lot_id, quantity, open_price, "
            + "close_price, relieved_at";
    static final Statement RELIEFS = Statement.of("a page of reliefs",
            "SELECT " + RELIEF_COLUMNS + " FROM lot_reliefs WHERE partition_key = $1 AND ordinal > $2 "
                    + "AND relieved_at >= $3 AND relieved_at < $4 ORDER BY ordinal LIMIT $5",
            "SELECT TOP (@p5) " + RELIEF_COLUMNS + " FROM lot_reliefs WHERE partition_key = @p1 AND ordinal > @p2 "
                    + "AND relieved_at >= @p3 AND relieved_at < @p4 ORDER BY ordinal",
            bind("lot_reliefs.partition_key", String.class), bind("lot_reliefs.ordinal", Long.class),
            bind("lot_reliefs.relieved_at", OffsetDateTime.class), bind("lot_reliefs.relieved_at", OffsetDateTime.class),
            bind(null, Integer.class));
    /** The first reliefs of a key, every date: by the primary key alone (what the position answers). */
    static final Statement RELIEFS_ALL = Statement.of("a page of reliefs, every date",
            "SELECT " + RELIEF_COLUMNS + " FROM lot_reliefs WHERE partition_key = $1 AND ordinal > $2 ORDER BY ordinal LIMIT $3",
            "SELECT TOP (@p3) " + RELIEF_COLUMNS + " FROM lot_reliefs WHERE partition_key = @p1 AND ordinal > @p2 "
                    + "ORDER BY ordinal",
            bind("lot_reliefs.partition_key", String.class), bind("lot_reliefs.ordinal", Long.class),
            bind(null, Integer.class));
    static final Statement RELIEF_COUNT = Statement.portable("reliefs in a date range",
            "SELECT count(*) AS n FROM lot_reliefs WHERE partition_key = $1 AND relieved_at >= $2 AND relieved_at < $3",
            bind("lot_reliefs.partition_key", String.class), bind("lot_reliefs.relieved_at", OffsetDateTime.class),
            bind("lot_reliefs.relieved_at", OffsetDateTime.class));
    // A lot closed where the relief that closes it was made (FIFO closes lots in their order, so the
    // reliefs' order is the lots').
    private static final String CLOSED_LOT_COLUMNS = "l.ordinal, l.lot_id, l.trade_id, l.quantity, l.price, l.opened_at, "
            + "r.relieved_at AS closed_at";
    private static final String CLOSED_LOT_FROM = " FROM lot_reliefs r JOIN position_lots l ON l.partition_key = "
            + "r.partition_key AND l.ordinal = r.relieved_ordinal";
    static final Statement CLOSED_LOTS = Statement.of("a page of closed lots",
            "SELECT " + CLOSED_LOT_COLUMNS + CLOSED_LOT_FROM + " WHERE r.partition_key = $1 AND r.closes <> 0 "
                    + "AND r.relieved_ordinal > $2 AND r.relieved_at >= $3 AND r.relieved_at < $4 ORDER BY r.ordinal LIMIT $5",
            "SELECT TOP (@p5) " + CLOSED_LOT_COLUMNS + CLOSED_LOT_FROM + " WHERE r.partition_key = @p1 AND r.closes <> 0 "
                    + "AND r.relieved_ordinal > @p2 AND r.relieved_at >= @p3 AND r.relieved_at < @p4 ORDER BY r.ordinal",
            bind("lot_reliefs.partition_key", String.class), bind("lot_reliefs.relieved_ordinal", Long.class),
            bind("lot_reliefs.relieved_at", OffsetDateTime.class), bind("lot_reliefs.relieved_at", OffsetDateTime.class),
            bind(null, Integer.class));
    static final Statement CLOSED_LOT_COUNT = Statement.portable("lots closed in a date range",
            "SELECT count(*) AS n FROM lot_reliefs WHERE partition_key = $1 AND closes <> 0 AND relieved_at >= $2 "
                    + "AND relieved_at < $3",
            bind("lot_reliefs.partition_key", String.class), bind("lot_reliefs.relieved_at", OffsetDateTime.class),
            bind("lot_reliefs.relieved_at", OffsetDateTime.class));
    static final Statement SNAPSHOT = Statement.of("snapshot (read-write: a read books its key in it)",
            "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ",
            "SET TRANSACTION ISOLATION LEVEL SNAPSHOT");
    // SQL Server keeps a SET TRANSACTION ISOLATION LEVEL for the session, so the pooled connection
    // would carry SNAPSHOT into whatever runs on it next (READPAST then fails, updates conflict).
    static final Statement RESTORE_ISOLATION = Statement.of("restore read committed",
            "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED",
            "SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
    /** What a position read runs on its connection, in order; the last restores the session's isolation. */
    public static final List<Statement> POSITION_READ = List.of(SNAPSHOT, POSITION, OPEN_LOTS, RELIEFS_ALL, RESTORE_ISOLATION);
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
    public static final List<Statement> STATEMENTS = List.of(VERSIONS, DECISIONS, POSITION, SNAPSHOT, RESTORE_ISOLATION,
            OPEN_LOTS, RELIEFS, RELIEFS_ALL, RELIEF_COUNT, CLOSED_LOTS, CLOSED_LOT_COUNT, EXCEPTIONS, EXCEPTIONS_BY_REASON, EXCEPTION,
            REPAIRED);

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

        /** Every day. */
        public static final Dates ALL = new Dates(null, null);
        private static final OffsetDateTime FIRST = OffsetDateTime.of(1, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        private static final OffsetDateTime LAST = OffsetDateTime.of(9999, 12, 31, 23, 59, 59, 999_000_000, ZoneOffset.UTC);

        boolean all() {
            return from == null && to == null;
        }

        /** The range's first instant. */
        OffsetDateTime fromAt() {
            return from == null ? FIRST : from.atStartOfDay().atOffset(ZoneOffset.UTC);
        }

        /** The instant after the range (its last day's end; the last instant the stores hold when open). */
        OffsetDateTime untilAt() {
            return to == null || to.getYear() == 9999 && to.getDayOfYear() == to.lengthOfYear() ? LAST
                    : to.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC);
        }

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
    private final LiveTrades live;
    private final LotBooker booker;
    private final TransactionRetry retry;

    public QueryRepository(StoreStatements store, ObjectMapper mapper, LiveTrades live, LotBooker booker,
                           TransactionRetry retry) {
        this.booker = booker;
        this.retry = retry;
        this.store = store;
        this.mapper = mapper;
        this.live = live;
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
     * A key's position with a page of its open lots and the first page of its reliefs, read from
     * its lot book in one repeatable-read snapshot, so the lots add up to the quantity
     * ({@link #POSITION_READ}): a page's cost, whatever the key's history. After the transaction, on
     * the same connection, the session goes back to READ COMMITTED. See {@link #withBook} for a key
     * whose book is behind or not built.
     */
    public Uni<PositionView> position(String partitionKey, long lotsAfter, int lotsLimit) {
        return withBook(partitionKey, (conn, position, state) -> {
            if (state == null) {
                return replay(conn, partitionKey).map(b -> view(position,
                        Page.of(b.openLots(), FifoLots.OpenLot::ordinal, lotsAfter, lotsLimit),
                        Page.of(b.reliefs(), FifoLots.Relief::ordinal, 0, Page.DEFAULT_LIMIT)));
            }
            // the two pages go out together
            return Uni.combine().all().unis(openLots(conn, partitionKey, state, lotsAfter, lotsLimit),
                    reliefPage(conn, partitionKey, Dates.ALL, 0, Page.DEFAULT_LIMIT, state.reliefCount()))
                    .with((open, reliefs) -> view(position, open, reliefs));
        });
    }

    /** A key's reliefs made on the days of {@code dates}, a page after {@code after}; null when the key has no position. */
    public Uni<Page<FifoLots.Relief>> reliefs(String partitionKey, Dates dates, long after, int limit) {
        return withBook(partitionKey, (conn, position, state) -> state == null
                ? replay(conn, partitionKey).map(b -> Page.of(b.reliefs(), FifoLots.Relief::ordinal,
                        r -> dates.contains(r.at()), after, limit))
                : reliefPage(conn, partitionKey, dates, after, limit, dates.all() ? state.reliefCount() : null));
    }

    /** A key's lots closed on the days of {@code dates}, a page after {@code after}; null when the key has no position. */
    public Uni<Page<FifoLots.ClosedLot>> closedLots(String partitionKey, Dates dates, long after, int limit) {
        return withBook(partitionKey, (conn, position, state) -> state == null
                ? replay(conn, partitionKey).map(b -> Page.of(b.closedLots(), FifoLots.ClosedLot::ordinal,
                        l -> dates.contains(l.closedAt()), after, limit))
                : store.run(conn, CLOSED_LOT_COUNT, partitionKey, dates.fromAt(), dates.untilAt()).flatMap(count ->
                        store.run(conn, CLOSED_LOTS, partitionKey, after, dates.fromAt(), dates.untilAt(), limit + 1)
                                .map(rows -> {
                                    List<FifoLots.ClosedLot> items = new ArrayList<>();
                                    for (Row r : rows) {
                                        items.add(new FifoLots.ClosedLot(r.getLong("ordinal"), r.getString("lot_id"),
                                                r.getString("trade_id"), decimal(r, "quantity"),
                                                decimal(r, "price"), instant(r, "opened_at"), instant(r, "closed_at")));
                                    }
                                    return page(items, count.iterator().next().getLong("n"), limit,
                                            FifoLots.ClosedLot::ordinal);
                                })));
    }

    /**
     * The answer of a key with a position (null without one), in one snapshot: from its book's state
     * when the book is built and nothing is queued for it. Changes queued for the key in the snapshot
     * (capture's since the booker last passed) are booked first, in the snapshot's own transaction, so
     * the book answered is the position's; a booker booking the key meanwhile makes it a serialization
     * victim, and the read runs again ({@link TransactionRetry}). A key whose book is not built yet, or
     * with more queued than a read books, is answered by replaying its live trades ({@code state} null).
     */
    private <T> Uni<T> withBook(String partitionKey, Functions.Function3<SqlConnection, Row, LotBook.State, Uni<T>> answer) {
        return retry.run(() -> snapshot(conn -> store.run(conn, POSITION, partitionKey).flatMap(rows -> {
            if (rows.size() == 0) {
                return Uni.createFrom().<T>nullItem();
            }
            Row position = rows.iterator().next();
            LotBook.State state = LotRepository.state(position);
            if (state == null || position.getInteger("lots_queued") == 0) {
                return answer.apply(conn, position, state);
            }
            return booker.bookIn(conn, partitionKey).flatMap(booked -> !booked ? answer.apply(conn, position, null)
                    : store.run(conn, POSITION, partitionKey).flatMap(again -> {
                        Row now = again.iterator().next();
                        return answer.apply(conn, now, LotRepository.state(now));
                    }));
        })));
    }

    private Uni<Page<FifoLots.OpenLot>> openLots(SqlConnection conn, String key, LotBook.State state, long after,
                                                 int limit) {
        if (state.headOrdinal() == 0) {
            return Uni.createFrom().item(new Page<>(List.of(), 0, null));
        }
        return store.run(conn, OPEN_LOTS, key, state.headOrdinal(), after, limit + 1).map(rows -> {
            List<FifoLots.OpenLot> items = new ArrayList<>();
            for (Row r : rows) {
                items.add(new FifoLots.OpenLot(r.getLong("ordinal"), r.getString("lot_id"), r.getString("trade_id"),
                        decimal(r, "quantity"), decimal(LotBook.open(state, r.getLong("ordinal"),
                                r.getBigDecimal("opened"))), decimal(r, "price"),
                        instant(r, "opened_at")));
            }
            return page(items, state.openLotCount(), limit, FifoLots.OpenLot::ordinal);
        });
    }

    /** A page of reliefs; {@code total} when known (every date), else counted. */
    private Uni<Page<FifoLots.Relief>> reliefPage(SqlConnection conn, String key, Dates dates, long after, int limit,
                                                  Long total) {
        Uni<Long> count = total != null ? Uni.createFrom().item(total)
                : store.run(conn, RELIEF_COUNT, key, dates.fromAt(), dates.untilAt())
                        .map(rows -> rows.iterator().next().getLong("n"));
        Uni<RowSet<Row>> page = dates.all() ? store.run(conn, RELIEFS_ALL, key, after, limit + 1)
                : store.run(conn, RELIEFS, key, after, dates.fromAt(), dates.untilAt(), limit + 1);
        return count.flatMap(n -> page
                .map(rows -> {
                    List<FifoLots.Relief> items = new ArrayList<>();
                    for (Row r : rows) {
                        items.add(new FifoLots.Relief(r.getLong("ordinal"), r.getString("trade_id"), r.getString("lot_id"),
                                r.getString("relieved_lot_id"), decimal(r, "quantity"), decimal(r, "open_price"),
                                decimal(r, "close_price"), instant(r, "relieved_at")));
                    }
                    return page(items, n, limit, FifoLots.Relief::ordinal);
                }));
    }

    /** {@code items}: up to one more than the page holds (telling there is a next page). */
    private static <T> Page<T> page(List<T> items, long total, int limit, java.util.function.ToLongFunction<T> ordinal) {
        boolean more = items.size() > limit;
        List<T> page = more ? items.subList(0, limit) : items;
        return new Page<>(List.copyOf(page), total, more ? ordinal.applyAsLong(page.get(page.size() - 1)) : null);
    }

    /** A lot table's decimal as booked: without the store's trailing zeros (100, not 100.00000000). */
    private static BigDecimal decimal(Row r, String column) {
        return decimal(r.getBigDecimal(column));
    }

    /** A stored decimal as answered: without trailing zeros, never in exponent form. */
    private static BigDecimal decimal(BigDecimal stored) {
        BigDecimal d = stored.stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0) : d;
    }

    private static Instant instant(Row r, String column) {
        OffsetDateTime at = r.getOffsetDateTime(column);
        return at == null ? null : at.toInstant();
    }

    /** A key's lots replayed from its live trades' stored versions: a key whose book is not built yet. */
    private Uni<FifoLots.Breakdown> replay(SqlConnection conn, String partitionKey) {
        return live.read(conn, partitionKey).map(FifoLots::replay);
    }

    /** Runs {@code read} in a repeatable-read snapshot transaction, then restores READ COMMITTED on the connection. */
    private <T> Uni<T> snapshot(java.util.function.Function<SqlConnection, Uni<T>> read) {
        return store.pool().withConnection(conn -> conn.begin().flatMap(tx -> store.run(conn, SNAPSHOT)
                        .flatMap(v -> read.apply(conn))
                        .call(view -> tx.commit())
                        .onFailure().call(f -> tx.rollback().onFailure().recoverWithNull()))
                .eventually(() -> store.run(conn, RESTORE_ISOLATION)
                        .onFailure().invoke(f -> LOG.warnf("could not restore READ COMMITTED after a snapshot read: %s", f))
                        .onFailure().recoverWithNull()));
    }

    private static PositionView view(Row r, Page<FifoLots.OpenLot> open, Page<FifoLots.Relief> reliefs) {
        Position p = new Position(r.getString("partition_key"), r.getBigDecimal("quantity"),
                r.getBigDecimal("notional"), r.getInteger("trade_count"), r.getInteger("pending_count"),
                r.getLong("fencing_token"));
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
