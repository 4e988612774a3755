package com.pb.synth.tradecapture.store;

import static com.pb.synth.tradecapture.store.Statement.bind;

import com.pb.synth.tradecapture.config.CaptureConfig;
import com.pb.synth.tradecapture.domain.LotBook;
import com.pb.synth.tradecapture.store.CaptureTables.Table;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The stored lot books ({@link LotBook}): a key's state, its oldest open lots, a re-flow's reads,
 * and a flow's writes, in both dialects. Batch statements bind one array per column on PostgreSQL
 * and multi-row {@code VALUES} on SQL Server ({@link SqlServerBatch}); a re-flow's reads are one
 * key's and rare.
 */
@Singleton
public class LotRepository {

    /** A key's stored book and its oldest open lots as far as loaded ({@code complete}: all of them). */
    public record KeyBook(LotBook.State state, List<LotBook.LotRow> heads, boolean complete) {
    }

    /** A trade on its key. */
    public record KeyTrade(String key, String tradeId) {
    }

    /** A load of a key's open lots: those after {@code after} up to {@code upTo}, opened, oldest first. */
    public record Load(String key, long after, long upTo) {
    }

    private static final String LOT_COLUMNS = "l.ordinal, l.trade_id, l.lot_id, l.quantity, l.price, l.opened_at, "
            + "l.opened";
    // A key's book's state (no row: the book is not built).
    private static final String STATE_COLUMNS = "s.partition_key, s.lot_count, s.relief_count, s.head_ordinal, "
            + "s.head_open, s.open_lot_count";

    // The state of each key and, unless the key's trades all point the way its open lots do (dir),
    // its oldest open lots: a join on the unnested keys, the lots by the partial index from the head.
    private static final String PG_STATES = "SELECT " + STATE_COLUMNS + ", " + LOT_COLUMNS
            + " FROM unnest($1::varchar[], $2::int[]) AS k(key, dir) CROSS JOIN LATERAL (SELECT " + STATE_COLUMNS
            + " FROM lot_books s WHERE s.partition_key = k.key) s "
            + "LEFT JOIN LATERAL (SELECT " + LOT_COLUMNS + " FROM position_lots l WHERE l.partition_key = s.partition_key "
            + "AND s.head_ordinal > 0 AND sign(s.head_open) <> k.dir AND l.ordinal >= s.head_ordinal AND l.opened <> 0 "
            + "ORDER BY l.ordinal LIMIT $3) l ON true";
    private static final String PG_LOADS = "SELECT k.key AS partition_key, " + LOT_COLUMNS
            + " FROM unnest($1::varchar[], $2::bigint[], $3::bigint[]) AS k(key, after, up_to) CROSS JOIN LATERAL "
            + "(SELECT " + LOT_COLUMNS + " FROM position_lots l WHERE l.partition_key = k.key AND l.ordinal > k.after "
            + "AND l.ordinal <= k.up_to AND l.opened <> 0 ORDER BY l.ordinal LIMIT $4) l";
    // Per key and trade, by the (partition_key, trade_id) index: a lateral subquery, so that no plan
    // joins the whole table (a generic plan of a join on the unnested arrays may).
    private static final String PG_FIRSTS = "SELECT k.key AS partition_key, k.trade_id, f.first_ordinal "
            + "FROM unnest($1::varchar[], $2::varchar[]) AS k(key, trade_id) CROSS JOIN LATERAL (SELECT min(l.ordinal) "
            + "AS first_ordinal FROM position_lots l WHERE l.partition_key = k.key AND l.trade_id = k.trade_id) f "
            + "WHERE f.first_ordinal IS NOT NULL";
    // Where each key's re-flow from lot a starts: the book after lot a - 1 (a checkpoint; none when a is 1).
    private static final String REFLOW_STARTS = "SELECT k.key AS partition_key, p.head_after, p.head_open_after, "
            + "p.reliefs_after, p.open_after FROM %s LEFT JOIN position_lots p ON p.partition_key = k.key "
            + "AND p.ordinal = k.a - 1";
    // Each key's lots from a on, as booked: what its re-flow books again.
    private static final String TAILS = "SELECT k.key AS partition_key, l.* FROM %s CROSS %s (SELECT " + LOT_COLUMNS
            + ", l.head_after, l.head_open_after, l.reliefs_after, l.open_after FROM position_lots l "
            + "WHERE l.partition_key = k.key AND l.ordinal >= k.a) l";
    // Each key's reliefs made from lot a on: what its re-flow makes again (only those that differ are written).
    private static final String OLD_RELIEFS = "SELECT k.key AS partition_key, r.* FROM %s CROSS %s (SELECT r.ordinal, "
            + "r.trade_id, r.lot_id, r.relieved_ordinal, r.relieved_lot_id, r.quantity, r.open_price, r.close_price, "
            + "r.relieved_at, r.closes FROM lot_reliefs r WHERE r.partition_key = k.key AND r.ordinal > COALESCE((SELECT p.reliefs_after "
            + "FROM position_lots p WHERE p.partition_key = k.key AND p.ordinal = k.a - 1), 0)) r";
    private static final String PG_KEYS_FROM = "unnest($1::varchar[], $2::bigint[]) AS k(key, a)";
    // Rows past each key's new end (a re-flow that books fewer): found per key by its primary key and
    // deleted by their row ids, so no plan of the statement can scan the table.
    private static final String PG_DELETE_PAST = "DELETE FROM %1$s WHERE ctid = ANY (ARRAY(SELECT x.ctid FROM "
            + "unnest($1::varchar[], $2::bigint[]) AS d(key, ordinal) CROSS JOIN LATERAL (SELECT t.ctid FROM %1$s t "
            + "WHERE t.partition_key = d.key AND t.ordinal > d.ordinal) x))";
    private static final String PG_DELETE_LOTS = String.format(PG_DELETE_PAST, "position_lots");
    private static final String PG_DELETE_RELIEFS = String.format(PG_DELETE_PAST, "lot_reliefs");
    private static final String PG_INSERT_LOTS = CaptureTables.POSITION_LOTS.unnestInsert(
            "ON CONFLICT (partition_key, ordinal) DO UPDATE SET " + updates(CaptureTables.POSITION_LOTS));
    private static final String PG_INSERT_RELIEFS = CaptureTables.LOT_RELIEFS.unnestInsert(
            "ON CONFLICT (partition_key, ordinal) DO UPDATE SET " + updates(CaptureTables.LOT_RELIEFS));
    // The highest change queued for a key: what a build from its stored versions takes in.
    static final Statement QUEUE_END = Statement.portable("a key's last queued lot change",
            "SELECT max(seq) AS seq FROM lot_queue WHERE partition_key = $1",
            bind("lot_queue.partition_key", String.class));

    /** Every single-key statement, for the dialect test. */
    public static final List<Statement> STATEMENTS = List.of(QUEUE_END);

    // The books of the keys that have one, locked in key order: two bookers of a key take turns.
    private static final String PG_LOCK = "SELECT s.partition_key FROM lot_books s JOIN unnest($1::varchar[]) "
            + "AS k(key) ON s.partition_key = k.key ORDER BY s.partition_key FOR UPDATE OF s";
    // Each key's oldest queued changes, up to $2 a key.
    private static final String PG_QUEUED = "SELECT k.key AS partition_key, q.seq, q.trade_id, q.lots, q.queued_at "
            + "FROM unnest($1::varchar[]) AS k(key) CROSS JOIN LATERAL (SELECT q.seq, q.trade_id, q.lots, q.queued_at "
            + "FROM lot_queue q WHERE q.partition_key = k.key ORDER BY q.seq LIMIT $2) q";
    // Booked changes, found per key by the primary key and deleted by their row ids (no plan scans the queue).
    private static final String PG_DEQUEUE = "DELETE FROM lot_queue WHERE ctid = ANY (ARRAY(SELECT x.ctid FROM "
            + "unnest($1::varchar[], $2::bigint[]) AS d(key, upto) CROSS JOIN LATERAL (SELECT t.ctid FROM lot_queue t "
            + "WHERE t.partition_key = d.key AND t.seq <= d.upto) x))";
    private static final String QUEUE_INSERT = "INSERT INTO lot_queue (partition_key, trade_id, lots, queued_at) "
            + "SELECT partition_key, trade_id, lots, queued_at FROM %s AS v (" + CaptureTables.LOT_QUEUE.names()
            + ") ORDER BY n";
    private static final String PG_ENQUEUE = String.format(QUEUE_INSERT, "unnest($1::int[], $2::varchar[], "
            + "$3::varchar[], $4::text[], $5::timestamptz[])");
    private static final String PG_NEW_BOOKS = "INSERT INTO lot_books (" + CaptureTables.LOT_BOOKS.names() + ") "
            + "SELECT k.key, 0, 0, 0, 0, 0, $2 FROM unnest($1::varchar[]) AS k(key) ON CONFLICT (partition_key) DO NOTHING";
    private static final String PG_SAVE_STATES = "UPDATE lot_books b SET lot_count = v.lot_count, "
            + "relief_count = v.relief_count, head_ordinal = v.head_ordinal, head_open = v.head_open, "
            + "open_lot_count = v.open_lot_count, booked_at = v.booked_at FROM unnest($1::varchar[], $2::bigint[], "
            + "$3::bigint[], $4::bigint[], $5::numeric[], $6::bigint[], $7::timestamptz[]) AS v ("
            + CaptureTables.LOT_BOOKS.names() + ") WHERE b.partition_key = v.partition_key";

    private final boolean sqlServer;
    private final StoreStatements store;

    public LotRepository(CaptureConfig config, StoreStatements store) {
        this.sqlServer = config.store().sqlServer();
        this.store = store;
    }

    /**
     * The stored books of {@code directions}' keys (absent: none stored), each with up to {@code heads}
     * of its oldest open lots unless the key's trades all point the way those lots do (its direction
     * 1 or -1; 0 when they point both ways).
     */
    public Uni<Map<String, KeyBook>> books(SqlClient conn, Map<String, Integer> directions, int heads) {
        Map<String, KeyBook> books = new HashMap<>();
        if (directions.isEmpty()) {
            return Uni.createFrom().item(books);
        }
        List<String> keys = new ArrayList<>(directions.keySet());
        if (sqlServer) {
            List<Object[]> rows = keys.stream().map(k -> new Object[] {k, directions.get(k)}).toList();
            Table t = new Table("k", List.of(new CaptureTables.Column("key", String.class, "varchar"),
                    new CaptureTables.Column("dir", Integer.class, "int")), List.of("key"));
            return SqlServerBatch.run(SqlServerBatch.chunks(rows, t.rowsPerStatement()), chunk -> conn.preparedQuery(
                            "SELECT " + STATE_COLUMNS + ", l.* FROM (VALUES " + SqlServerBatch.values(chunk, t)
                                    + ") AS k ([key], dir) JOIN lot_books s ON s.partition_key = k.[key] "
                                    + "OUTER APPLY (SELECT TOP (" + heads + ") " + LOT_COLUMNS
                                    + " FROM position_lots l WHERE l.partition_key = s.partition_key AND s.head_ordinal > 0 "
                                    + "AND SIGN(s.head_open) <> k.dir AND l.ordinal >= s.head_ordinal AND l.opened <> 0 "
                                    + "ORDER BY l.ordinal) l")
                    .execute(SqlServerBatch.tuple(chunk)).invoke(found -> collectBooks(found, books)).replaceWith(0))
                    .replaceWith(books);
        }
        Integer[] dirs = keys.stream().map(directions::get).toArray(Integer[]::new);
        return conn.preparedQuery(PG_STATES).execute(Tuple.of(keys.toArray(String[]::new), dirs, heads))
                .invoke(found -> collectBooks(found, books)).replaceWith(books);
    }

    private static void collectBooks(RowSet<Row> found, Map<String, KeyBook> books) {
        Map<String, List<LotBook.LotRow>> lots = new HashMap<>();
        Map<String, LotBook.State> states = new HashMap<>();
        for (Row r : found) {
            String key = r.getString("partition_key");
            states.computeIfAbsent(key, k -> state(r));
            List<LotBook.LotRow> list = lots.computeIfAbsent(key, k -> new ArrayList<>());
            if (r.getLong("ordinal") != null) {
                list.add(lot(r));
            }
        }
        states.forEach((key, state) -> {
            List<LotBook.LotRow> list = lots.get(key);
            list.sort(java.util.Comparator.comparingLong(LotBook.LotRow::ordinal));
            books.put(key, new KeyBook(state, list, state.headOrdinal() == 0 || list.size() == state.openLotCount()));
        });
    }

    /** Loads each key's open lots of {@code loads}, up to {@code limit} a key, by key. */
    public Uni<Map<String, List<LotBook.LotRow>>> load(SqlClient conn, List<Load> loads, int limit) {
        Map<String, List<LotBook.LotRow>> byKey = new HashMap<>();
        if (loads.isEmpty()) {
            return Uni.createFrom().item(byKey);
        }
        if (sqlServer) {
            List<Object[]> rows = loads.stream().map(l -> new Object[] {l.key(), l.after(), l.upTo()}).toList();
            Table t = new Table("k", List.of(new CaptureTables.Column("key", String.class, "varchar"),
                    new CaptureTables.Column("after", Long.class, "bigint"),
                    new CaptureTables.Column("up_to", Long.class, "bigint")), List.of("key"));
            return SqlServerBatch.run(SqlServerBatch.chunks(rows, t.rowsPerStatement()), chunk -> conn.preparedQuery(
                            "SELECT k.[key] AS partition_key, l.* FROM (VALUES " + SqlServerBatch.values(chunk, t)
                                    + ") AS k ([key], after, up_to) CROSS APPLY (SELECT TOP (" + limit + ") " + LOT_COLUMNS
                                    + " FROM position_lots l WHERE l.partition_key = k.[key] AND l.ordinal > k.after "
                                    + "AND l.ordinal <= k.up_to AND l.opened <> 0 ORDER BY l.ordinal) l")
                    .execute(SqlServerBatch.tuple(chunk)).invoke(found -> collectLots(found, byKey)).replaceWith(0))
                    .replaceWith(byKey);
        }
        return conn.preparedQuery(PG_LOADS).execute(Tuple.of(loads.stream().map(Load::key).toArray(String[]::new),
                        loads.stream().map(Load::after).toArray(Long[]::new),
                        loads.stream().map(Load::upTo).toArray(Long[]::new), limit))
                .invoke(found -> collectLots(found, byKey)).replaceWith(byKey);
    }

    private static void collectLots(RowSet<Row> found, Map<String, List<LotBook.LotRow>> byKey) {
        for (Row r : found) {
            byKey.computeIfAbsent(r.getString("partition_key"), k -> new ArrayList<>()).add(lot(r));
        }
        byKey.values().forEach(l -> l.sort(java.util.Comparator.comparingLong(LotBook.LotRow::ordinal)));
    }

    /** The first lot of each of {@code trades} that has lots on its key. */
    public Uni<Map<KeyTrade, Long>> firstLots(SqlClient conn, List<KeyTrade> trades) {
        Map<KeyTrade, Long> firsts = new HashMap<>();
        if (trades.isEmpty()) {
            return Uni.createFrom().item(firsts);
        }
        if (sqlServer) {
            List<Object[]> rows = trades.stream().map(t -> new Object[] {t.key(), t.tradeId()}).toList();
            Table t = new Table("k", List.of(new CaptureTables.Column("key", String.class, "varchar"),
                    new CaptureTables.Column("trade_id", String.class, "varchar")), List.of("key"));
            return SqlServerBatch.run(SqlServerBatch.chunks(rows, t.rowsPerStatement()), chunk -> conn.preparedQuery(
                            "SELECT k.[key] AS partition_key, k.trade_id, f.first_ordinal FROM (VALUES "
                                    + SqlServerBatch.values(chunk, t) + ") AS k ([key], trade_id) CROSS APPLY (SELECT "
                                    + "min(l.ordinal) AS first_ordinal FROM position_lots l WHERE l.partition_key = k.[key] "
                                    + "AND l.trade_id = k.trade_id) f WHERE f.first_ordinal IS NOT NULL")
                    .execute(SqlServerBatch.tuple(chunk)).invoke(found -> collectFirsts(found, firsts)).replaceWith(0))
                    .replaceWith(firsts);
        }
        return conn.preparedQuery(PG_FIRSTS).execute(Tuple.of(trades.stream().map(KeyTrade::key).toArray(String[]::new),
                        trades.stream().map(KeyTrade::tradeId).toArray(String[]::new)))
                .invoke(found -> collectFirsts(found, firsts)).replaceWith(firsts);
    }

    private static void collectFirsts(RowSet<Row> found, Map<KeyTrade, Long> firsts) {
        for (Row r : found) {
            firsts.put(new KeyTrade(r.getString("partition_key"), r.getString("trade_id")), r.getLong("first_ordinal"));
        }
    }

    /**
     * Where a key's re-flow starts: the book before its lot {@code from}, and what is stored from there
     * on (the lots, and the reliefs made by them).
     */
    public record Reflow(LotBook.State start, List<LotBook.LotRow> tail, List<LotBook.ReliefRow> reliefs) {
    }

    /**
     * The re-flows of keys from their lots {@code froms}: three statements sent together, whatever
     * the number of keys.
     */
    public Uni<Map<String, Reflow>> reflows(SqlClient conn, Map<String, Long> froms) {
        Map<String, LotBook.State> starts = new HashMap<>();
        Map<String, List<LotBook.LotRow>> tails = new HashMap<>();
        Map<String, List<LotBook.ReliefRow>> reliefs = new HashMap<>();
        List<String> keys = new ArrayList<>(froms.keySet());
        List<Uni<Integer>> reads = new ArrayList<>();
        List<String> sqls = List.of(REFLOW_STARTS, TAILS, OLD_RELIEFS);
        List<java.util.function.Consumer<RowSet<Row>>> collectors = List.of(found -> collectStarts(found, froms, starts),
                found -> collectTails(found, tails), found -> collectReliefs(found, reliefs));
        if (sqlServer) {
            List<Object[]> rows = keys.stream().map(k -> new Object[] {k, froms.get(k)}).toList();
            Table t = new Table("k", List.of(new CaptureTables.Column("key", String.class, "varchar"),
                    new CaptureTables.Column("a", Long.class, "bigint")), List.of("key"));
            List<List<Object[]>> chunks = SqlServerBatch.chunks(rows, t.rowsPerStatement());
            for (int q = 0; q < sqls.size(); q++) {
                String sql = sqls.get(q);
                java.util.function.Consumer<RowSet<Row>> collect = collectors.get(q);
                reads.add(SqlServerBatch.run(chunks, chunk -> conn.preparedQuery(String.format(sql, "(VALUES "
                                + SqlServerBatch.values(chunk, t) + ") AS k ([key], a)", "APPLY").replace("k.key", "k.[key]"))
                        .execute(SqlServerBatch.tuple(chunk)).invoke(collect).replaceWith(0)));
            }
        } else {
            Tuple params = Tuple.of(keys.toArray(String[]::new), keys.stream().map(froms::get).toArray(Long[]::new));
            for (int q = 0; q < sqls.size(); q++) {
                reads.add(conn.preparedQuery(String.format(sqls.get(q), PG_KEYS_FROM, "JOIN LATERAL")).execute(params)
                        .invoke(collectors.get(q)).replaceWith(0));
            }
        }
        return Uni.combine().all().unis(reads).with(done -> {
            // (the lateral reads come in each key's index order; sorted here, as T-SQL allows no ORDER BY there)
            tails.values().forEach(l -> l.sort(java.util.Comparator.comparingLong(LotBook.LotRow::ordinal)));
            reliefs.values().forEach(l -> l.sort(java.util.Comparator.comparingLong(LotBook.ReliefRow::ordinal)));
            Map<String, Reflow> out = new HashMap<>();
            for (String key : keys) {
                out.put(key, new Reflow(starts.get(key), tails.getOrDefault(key, List.of()),
                        reliefs.getOrDefault(key, List.of())));
            }
            return out;
        });
    }

    private static void collectStarts(RowSet<Row> found, Map<String, Long> froms, Map<String, LotBook.State> starts) {
        for (Row r : found) {
            String key = r.getString("partition_key");
            long from = froms.get(key);
            if (from > 1 && r.getLong("head_after") == null) {
                throw new IllegalStateException("lot " + (from - 1) + " of " + key + " keeps no book state to re-flow from");
            }
            starts.put(key, from == 1 ? LotBook.State.EMPTY : new LotBook.State(from - 1, r.getLong("reliefs_after"),
                    r.getLong("head_after"), r.getBigDecimal("head_open_after"), r.getLong("open_after")));
        }
    }

    private static void collectTails(RowSet<Row> found, Map<String, List<LotBook.LotRow>> tails) {
        for (Row r : found) {
            LotBook.LotRow l = lot(r);
            // the state after the lot: stored at checkpoints only
            Long head = r.getLong("head_after");
            tails.computeIfAbsent(r.getString("partition_key"), k -> new ArrayList<>()).add(new LotBook.LotRow(
                    l.ordinal(), l.tradeId(), l.lotId(), l.quantity(), l.price(), l.openedAt(), l.opened(),
                    head == null ? null : new LotBook.State(l.ordinal(), r.getLong("reliefs_after"), head,
                            r.getBigDecimal("head_open_after"), r.getLong("open_after"))));
        }
    }

    private static void collectReliefs(RowSet<Row> found, Map<String, List<LotBook.ReliefRow>> reliefs) {
        for (Row r : found) {
            reliefs.computeIfAbsent(r.getString("partition_key"), k -> new ArrayList<>()).add(new LotBook.ReliefRow(
                    r.getLong("ordinal"), r.getString("trade_id"), r.getString("lot_id"), r.getLong("relieved_ordinal"),
                    r.getString("relieved_lot_id"), r.getBigDecimal("quantity"), r.getBigDecimal("open_price"),
                    r.getBigDecimal("close_price"), instant(r, "relieved_at"), r.getInteger("closes") != 0));
        }
    }

    /** The book state of a row with the state's columns, or null when it is not built (no book joined). */
    public static LotBook.State state(Row r) {
        if (r.getLong("lot_count") == null) {
            return null;
        }
        return new LotBook.State(r.getLong("lot_count"), r.getLong("relief_count"), r.getLong("head_ordinal"),
                r.getBigDecimal("head_open"), r.getLong("open_lot_count"));
    }

    /** A change to a key's lots as queued: the trade's lots ({@code lots} JSON, null: no longer live) at {@code at}. */
    public record Queued(String key, long seq, String tradeId, String lots, Instant at) {
    }

    /** Locks the books of those of {@code keys} that have one (in key order); those keys. */
    public Uni<java.util.Set<String>> lock(SqlConnection conn, java.util.Collection<String> keys) {
        java.util.Set<String> locked = new java.util.HashSet<>();
        List<String> sorted = keys.stream().sorted().toList();
        java.util.function.Consumer<RowSet<Row>> collect = results -> {
            for (RowSet<Row> rows = results; rows != null; rows = rows.next()) {
                if (rows.columnsNames() != null && rows.columnsNames().contains("partition_key")) {
                    rows.forEach(r -> locked.add(r.getString("partition_key")));
                }
            }
        };
        if (sorted.isEmpty()) {
            return Uni.createFrom().item(locked);
        }
        if (sqlServer) {
            // an UPDATE that sets nothing new takes the rows' locks (Babelfish ignores UPDLOCK), as for positions
            return SqlServerBatch.selectIn(conn, sorted, n -> "UPDATE lot_books SET lot_count = lot_count WHERE "
                    + "partition_key IN (" + SqlServerBatch.list(n) + "); SELECT partition_key FROM lot_books WHERE "
                    + "partition_key IN (" + SqlServerBatch.list(n) + ")", collect).replaceWith(locked);
        }
        return conn.preparedQuery(PG_LOCK).execute(Tuple.of(sorted.toArray(String[]::new))).invoke(collect)
                .replaceWith(locked);
    }

    /** Each key's oldest queued changes, up to {@code perKey} a key, by key in the order queued. */
    public Uni<Map<String, List<Queued>>> queued(SqlClient conn, java.util.Collection<String> keys, int perKey) {
        Map<String, List<Queued>> byKey = new java.util.TreeMap<>();
        java.util.function.Consumer<RowSet<Row>> collect = rows -> {
            for (Row r : rows) {
                byKey.computeIfAbsent(r.getString("partition_key"), k -> new ArrayList<>()).add(new Queued(
                        r.getString("partition_key"), r.getLong("seq"), r.getString("trade_id"), r.getString("lots"),
                        instant(r, "queued_at")));
            }
        };
        if (keys.isEmpty()) {
            return Uni.createFrom().item(byKey);
        }
        Uni<Integer> read;
        if (sqlServer) {
            List<Object[]> rows = keys.stream().map(k -> new Object[] {k}).toList();
            Table t = new Table("k", List.of(new CaptureTables.Column("key", String.class, "varchar")), List.of("key"));
            read = SqlServerBatch.run(SqlServerBatch.chunks(rows, t.rowsPerStatement()), chunk -> conn.preparedQuery(
                            "SELECT k.[key] AS partition_key, q.seq, q.trade_id, q.lots, q.queued_at FROM (VALUES "
                                    + SqlServerBatch.values(chunk, t) + ") AS k ([key]) CROSS APPLY (SELECT TOP ("
                                    + perKey + ") q.seq, q.trade_id, q.lots, q.queued_at FROM lot_queue q "
                                    + "WHERE q.partition_key = k.[key] ORDER BY q.seq) q")
                    .execute(SqlServerBatch.tuple(chunk)).invoke(collect).replaceWith(0));
        } else {
            read = conn.preparedQuery(PG_QUEUED).execute(Tuple.of(keys.toArray(String[]::new), perKey))
                    .invoke(collect).replaceWith(0);
        }
        return read.map(n -> {
            byKey.values().forEach(l -> l.sort(java.util.Comparator.comparingLong(Queued::seq)));
            return byKey;
        });
    }

    /** The highest change queued for {@code key} (0: none). */
    public Uni<Long> queueEnd(SqlClient conn, String key) {
        return store.run(conn, QUEUE_END, key).map(rows -> {
            Long seq = rows.iterator().next().getLong("seq");
            return seq == null ? 0L : seq;
        });
    }

    /** Deletes each key's queued changes up to its {@code upTo} (booked). */
    public Uni<Integer> dequeue(SqlClient conn, Map<String, Long> upTo) {
        if (upTo.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<Object[]> rows = upTo.entrySet().stream().map(e -> new Object[] {e.getKey(), e.getValue()}).toList();
        if (sqlServer) {
            return SqlServerBatch.run(SqlServerBatch.chunks(rows, CaptureTables.LOT_RANGES), chunk -> conn.preparedQuery(
                    "DELETE q FROM lot_queue q JOIN (VALUES " + SqlServerBatch.values(chunk, CaptureTables.LOT_RANGES)
                            + ") AS d (partition_key, ordinal) ON q.partition_key = d.partition_key AND q.seq <= d.ordinal")
                    .execute(SqlServerBatch.tuple(chunk)).map(RowSet::rowCount));
        }
        return conn.preparedQuery(PG_DEQUEUE).execute(CaptureTables.LOT_RANGES.arrays(rows)).map(RowSet::rowCount);
    }

    /**
     * Queues changes to keys' lots, in the order given (rows as {@link CaptureTables#LOT_QUEUE} binds
     * them, numbered from 0): the queue's order is theirs.
     */
    public Uni<Integer> enqueue(SqlClient conn, List<Object[]> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        if (sqlServer) {
            Table t = CaptureTables.LOT_QUEUE;
            // chunks in order (not grouped by nulls): each statement's rows come after the previous one's
            return SqlServerBatch.run(SqlServerBatch.chunks(rows, t.rowsPerStatement()), chunk -> conn.preparedQuery(
                    String.format(QUEUE_INSERT, "(VALUES " + SqlServerBatch.values(chunk, t) + ")"))
                    .execute(SqlServerBatch.tuple(chunk)).map(RowSet::rowCount));
        }
        return conn.preparedQuery(PG_ENQUEUE).execute(CaptureTables.LOT_QUEUE.arrays(rows)).map(RowSet::rowCount);
    }

    /** Gives {@code keys} an empty book unless they have one; how many it gave one. */
    public Uni<Integer> newBooks(SqlClient conn, java.util.Collection<String> keys, OffsetDateTime at) {
        if (keys.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        if (sqlServer) {
            List<Object[]> rows = keys.stream().map(k -> new Object[] {k, 0L, 0L, 0L, BigDecimal.ZERO, 0L, at}).toList();
            return SqlServerBatch.run(SqlServerBatch.chunks(rows, CaptureTables.LOT_BOOKS), chunk -> conn.preparedQuery(
                    SqlServerBatch.insertMissing(CaptureTables.LOT_BOOKS, chunk)).execute(SqlServerBatch.tuple(chunk))
                    .map(RowSet::rowCount));
        }
        return conn.preparedQuery(PG_NEW_BOOKS).execute(Tuple.of(keys.toArray(String[]::new), at)).map(RowSet::rowCount);
    }

    /** Writes each key's book state after its flows ({@code states}), booked {@code at}. */
    public Uni<Integer> saveStates(SqlClient conn, Map<String, LotBook.State> states, OffsetDateTime at) {
        if (states.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<Object[]> rows = new ArrayList<>(states.size());
        states.forEach((key, s) -> rows.add(new Object[] {key, s.lotCount(), s.reliefCount(), s.headOrdinal(),
                s.headOpen(), s.openLotCount(), at}));
        if (sqlServer) {
            return sqlServerUpdate(conn, CaptureTables.LOT_BOOKS, rows, CaptureTables.LOT_BOOKS.key());
        }
        return conn.preparedQuery(PG_SAVE_STATES).execute(CaptureTables.LOT_BOOKS.arrays(rows)).map(RowSet::rowCount);
    }

    /**
     * What a batch writes to the books: where keys re-flowed (their rows past the new end go), the lots
     * and reliefs to write, and each key's book state after them (saved with {@link #saveStates}).
     */
    public static final class Writes {

        /** Nothing to write. */
        public static final Writes NONE = new Writes();

        private final List<Object[]> lotsPast = new ArrayList<>();
        private final List<Object[]> reliefsPast = new ArrayList<>();
        private final List<Object[]> lots = new ArrayList<>();
        private final List<Object[]> reliefs = new ArrayList<>();
        private final Map<String, LotBook.State> states = new HashMap<>();
        private boolean reflowed;

        /** Each key's book state after the flows. */
        public Map<String, LotBook.State> states() {
            return states;
        }

        /** Adds a key's flow that booked new lots only. */
        public void add(String key, LotBook.Flow flow) {
            add(key, flow, null);
        }

        /**
         * Adds a key's flow; {@code reflow}: what was stored from where it re-flowed (null when it only
         * booked new lots). Of a re-flow only the lots and reliefs that differ are written, and those
         * past the new end deleted.
         */
        public void add(String key, LotBook.Flow flow, Reflow reflow) {
            if (this == NONE) {
                throw new IllegalStateException("NONE is written to by no flow");
            }
            Map<Long, LotBook.LotRow> oldLots = new HashMap<>();
            Map<Long, LotBook.ReliefRow> oldReliefs = new HashMap<>();
            if (reflow != null) {
                reflowed = true;
                reflow.tail().forEach(r -> oldLots.put(r.ordinal(), r));
                reflow.reliefs().forEach(r -> oldReliefs.put(r.ordinal(), r));
                // lots and reliefs past the new end go (a correction that books fewer lots or reliefs)
                long lotsEnd = reflow.tail().isEmpty() ? 0 : reflow.tail().get(reflow.tail().size() - 1).ordinal();
                long reliefsEnd = reflow.reliefs().isEmpty() ? 0
                        : reflow.reliefs().get(reflow.reliefs().size() - 1).ordinal();
                if (lotsEnd > flow.end().lotCount()) {
                    lotsPast.add(new Object[] {key, flow.end().lotCount()});
                }
                if (reliefsEnd > flow.end().reliefCount()) {
                    reliefsPast.add(new Object[] {key, flow.end().reliefCount()});
                }
            }
            for (LotBook.LotRow booked : flow.lots()) {
                LotBook.LotRow r = LotBook.stored(booked);
                LotBook.LotRow old = oldLots.get(r.ordinal());
                if (old == null || !LotBook.same(old, r)) {
                    LotBook.State after = r.after();
                    lots.add(new Object[] {key, r.ordinal(), r.tradeId(), r.lotId(), r.quantity(), r.price(),
                            at(r.openedAt()), r.opened(), after == null ? null : after.headOrdinal(),
                            after == null ? null : after.headOpen(), after == null ? null : after.reliefCount(),
                            after == null ? null : after.openLotCount()});
                }
            }
            for (LotBook.ReliefRow r : flow.reliefs()) {
                LotBook.ReliefRow old = oldReliefs.get(r.ordinal());
                if (old == null || !LotBook.same(old, r)) {
                    reliefs.add(new Object[] {key, r.ordinal(), r.tradeId(), r.lotId(), r.relievedOrdinal(),
                            r.relievedLotId(), r.quantity(), r.openPrice(), r.closePrice(), at(r.at()),
                            r.closes() ? 1 : 0});
                }
            }
            states.put(key, flow.end());
        }
    }

    /**
     * Writes a round's lots and reliefs (the books' states are saved apart), the statements sent
     * together: the re-flowed rows past each key's new end go, the new and re-flowed rows are written.
     * The sets are disjoint, so their order does not matter.
     */
    public Uni<Integer> write(SqlClient conn, Writes w) {
        List<Uni<Integer>> writes = new ArrayList<>(4);
        if (!w.lotsPast.isEmpty()) {
            writes.add(delete(conn, w.lotsPast, "position_lots", PG_DELETE_LOTS));
        }
        if (!w.reliefsPast.isEmpty()) {
            writes.add(delete(conn, w.reliefsPast, "lot_reliefs", PG_DELETE_RELIEFS));
        }
        if (!w.lots.isEmpty()) {
            writes.add(upsert(conn, CaptureTables.POSITION_LOTS, w.lots, w.reflowed, PG_INSERT_LOTS));
        }
        if (!w.reliefs.isEmpty()) {
            writes.add(upsert(conn, CaptureTables.LOT_RELIEFS, w.reliefs, w.reflowed, PG_INSERT_RELIEFS));
        }
        if (writes.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return Uni.combine().all().unis(writes).with(counts -> counts.stream().mapToInt(n -> (Integer) n).sum());
    }

    private Uni<Integer> delete(SqlClient conn, List<Object[]> rows, String table, String pg) {
        if (sqlServer) {
            return SqlServerBatch.run(SqlServerBatch.chunks(rows, CaptureTables.LOT_RANGES), chunk -> conn.preparedQuery(
                    "DELETE t FROM " + table + " t JOIN (VALUES " + SqlServerBatch.values(chunk, CaptureTables.LOT_RANGES)
                            + ") AS d (partition_key, ordinal) ON t.partition_key = d.partition_key AND t.ordinal > d.ordinal")
                    .execute(SqlServerBatch.tuple(chunk)).map(RowSet::rowCount));
        }
        return conn.preparedQuery(pg).execute(CaptureTables.LOT_RANGES.arrays(rows)).map(RowSet::rowCount);
    }

    /**
     * Writes rows that may be stored already when {@code reflowed} (a re-flow's): an update of those
     * there, an insert of the others.
     */
    private Uni<Integer> upsert(SqlClient conn, Table table, List<Object[]> rows, boolean reflowed, String pg) {
        if (sqlServer) {
            Uni<Integer> update = reflowed ? sqlServerUpdate(conn, table, rows, table.key()) : Uni.createFrom().item(0);
            return update.flatMap(updated -> SqlServerBatch.run(
                    SqlServerBatch.chunks(rows, table), chunk -> conn.preparedQuery(SqlServerBatch.insertMissing(table, chunk))
                            .execute(SqlServerBatch.tuple(chunk)).map(RowSet::rowCount)).map(inserted -> updated + inserted));
        }
        return conn.preparedQuery(pg).execute(table.arrays(rows)).map(RowSet::rowCount);
    }

    /** {@code c = EXCLUDED.c} for every column of {@code table} but its key. */
    private static String updates(Table table) {
        StringBuilder set = new StringBuilder();
        for (CaptureTables.Column c : table.columns()) {
            if (!table.key().contains(c.name())) {
                set.append(set.isEmpty() ? "" : ", ").append(c.name()).append(" = EXCLUDED.").append(c.name());
            }
        }
        return set.toString();
    }

    /** SQL Server: sets every column of {@code table} but {@code key} from the rows with the same key. */
    private static Uni<Integer> sqlServerUpdate(SqlClient conn, Table table, List<Object[]> rows, List<String> key) {
        StringBuilder set = new StringBuilder();
        for (CaptureTables.Column c : table.columns()) {
            if (!key.contains(c.name())) {
                set.append(set.isEmpty() ? "" : ", ").append(c.name()).append(" = v.").append(c.name());
            }
        }
        StringBuilder on = new StringBuilder();
        key.forEach(k -> on.append(on.isEmpty() ? "" : " AND ").append("t.").append(k).append(" = v.").append(k));
        return SqlServerBatch.run(SqlServerBatch.chunks(rows, table), chunk -> conn.preparedQuery("UPDATE t SET " + set
                        + " FROM " + table.name() + " t JOIN (VALUES " + SqlServerBatch.values(chunk, table) + ") AS v ("
                        + table.names() + ") ON " + on).execute(SqlServerBatch.tuple(chunk)).map(RowSet::rowCount));
    }

    private static LotBook.LotRow lot(Row r) {
        return new LotBook.LotRow(r.getLong("ordinal"), r.getString("trade_id"), r.getString("lot_id"),
                r.getBigDecimal("quantity"), r.getBigDecimal("price"), instant(r, "opened_at"), r.getBigDecimal("opened"),
                null);
    }

    static Instant instant(Row r, String column) {
        OffsetDateTime at = r.getOffsetDateTime(column);
        return at == null ? null : at.toInstant();
    }

    private static OffsetDateTime at(Instant at) {
        return at == null ? null : at.atOffset(ZoneOffset.UTC);
    }

}
