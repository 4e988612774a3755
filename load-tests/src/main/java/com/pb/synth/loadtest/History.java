package com.pb.synth.loadtest;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code history=N}: N earlier trade versions stored before the run, as a store a year old holds
 * them. They are spread over the run's keys, {@code history.hot} of them on one key (the run's first),
 * at 365 daily capture times before now; each is a NEW buy or sell with one lot and a captured event
 * of production size (~1.3 KB), inserted with SQL in JDBC batches (PostgreSQL or SQL Server alike),
 * with the keys' positions moved by what they add and their lot books (FIFO lots and reliefs, as
 * capture keeps them) written alongside. Trade ids are {@code H<run>-<n>}.
 *
 * <p>{@link #positions} reads the positions the run starts from: the verifier checks what the run
 * adds to them.
 */
final class History {

    /** What was stored: versions, the hot key and one of the others (the reads compare the two), and how long it took. */
    record Stored(long versions, String hotKey, String hotTradeId, String coldKey, String coldTradeId, long millis) {
    }

    private static final int BATCH = 1_000;
    private static final String INSERT = "INSERT INTO trade_versions (trade_id, version, partition_key, action, "
            + "signed_quantity, signed_notional, live, pending, fencing_token, captured_at, captured_event) "
            + "VALUES (?, 1, ?, 'NEW', ?, ?, ?, ?, 0, ?, ?)";

    private History() {
    }

    static Stored insert(String url, String user, String password, List<TradeMix.Key> keys, long n, int hot, String run)
            throws SQLException {
        if (keys.size() < 2 || n <= 0) {
            throw new IllegalArgumentException("history needs a count above 0 and at least two keys");
        }
        long start = System.currentTimeMillis();
        Instant now = Instant.now();
        Map<String, BigDecimal[]> added = new LinkedHashMap<>();
        String prefix = "H" + run + "-";
        String hotKey = keys.get(0).id;
        String coldKey = keys.get(keys.size() - 1).id;
        String coldTrade = null;
        Map<String, Book> books = new HashMap<>();
        try (Connection c = DriverManager.getConnection(batched(url), user, password)) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(INSERT);
                 PreparedStatement lots = c.prepareStatement(LOT);
                 PreparedStatement reliefs = c.prepareStatement(RELIEF)) {
                for (long i = 0; i < n; i++) {
                    // the hot key takes the first `hot` versions, the others share the rest round robin
                    String key = i < hot ? hotKey : keys.get(1 + (int) ((i - hot) % (keys.size() - 1))).id;
                    String tradeId = prefix + i;
                    if (key.equals(coldKey) && coldTrade == null) {
                        coldTrade = tradeId;
                    }
                    boolean buy = Math.floorMod(i * 7919, 10) < 6;
                    BigDecimal quantity = BigDecimal.valueOf(100 + Math.floorMod(i * 31, 900));
                    BigDecimal price = BigDecimal.valueOf(5_000 + Math.floorMod(i * 97, 20_000), 2);
                    BigDecimal signed = buy ? quantity : quantity.negate();
                    BigDecimal notional = signed.multiply(price).setScale(2, RoundingMode.UNNECESSARY);
                    // capture times over the last 365 days, oldest first, so replay order is insertion order
                    Instant at = now.minus(Duration.ofDays(366)).plusMillis(i * (365L * 86_400_000L / n));
                    ps.setString(1, tradeId);
                    ps.setString(2, key);
                    ps.setBigDecimal(3, signed);
                    ps.setBigDecimal(4, notional);
                    ps.setBoolean(5, true);
                    ps.setBoolean(6, false);
                    ps.setTimestamp(7, Timestamp.from(at));
                    ps.setBytes(8, event(tradeId, key, buy, quantity, price, at).getBytes(StandardCharsets.UTF_8));
                    ps.addBatch();
                    books.computeIfAbsent(key, Book::new).book(tradeId, signed, price, at, lots, reliefs);
                    BigDecimal[] sum = added.computeIfAbsent(key, k -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO,
                            BigDecimal.ZERO});
                    sum[0] = sum[0].add(signed);
                    sum[1] = sum[1].add(notional);
                    sum[2] = sum[2].add(BigDecimal.ONE);
                    if ((i + 1) % BATCH == 0) {
                        ps.executeBatch();
                        lots.executeBatch();
                        reliefs.executeBatch();
                        c.commit();
                    }
                    if ((i + 1) % 1_000_000 == 0) {
                        System.out.printf("history: %,d of %,d versions stored%n", i + 1, n);
                    }
                }
                ps.executeBatch();
                lots.executeBatch();
                reliefs.executeBatch();
                c.commit();
            }
            // the positions with their books' states
            position(c, added, books);
            c.commit();
        }
        return new Stored(n, hotKey, prefix + 0, coldKey, coldTrade, System.currentTimeMillis() - start);
    }

    private static final String LOT = "INSERT INTO position_lots (partition_key, ordinal, trade_id, lot_id, quantity, "
            + "price, opened_at, opened, head_after, head_open_after, reliefs_after, open_after) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String RELIEF = "INSERT INTO lot_reliefs (partition_key, ordinal, trade_id, lot_id, "
            + "relieved_ordinal, relieved_lot_id, quantity, open_price, close_price, relieved_at, closes) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /**
     * A key's lot book as capture keeps it, written as the history is: each trade's one lot relieves
     * the oldest open lots of the other direction first (FIFO), the rest opens. Each lot and relief
     * is written once, when booked (every 64th lot with the book's state after it, a checkpoint); the
     * book's state goes in its own row.
     */
    private static final class Book {
        /** Every this many lots a lot keeps the book's state after it, as the service writes them. */
        static final int CHECKPOINT = 64;
        final String key;
        /** The open lots, oldest first: ordinal, lot id, price, open quantity (signed). */
        final java.util.ArrayDeque<Object[]> open = new java.util.ArrayDeque<>();
        long lots;
        long reliefs;

        Book(String key) {
            this.key = key;
        }

        void book(String tradeId, BigDecimal signed, BigDecimal price, Instant at, PreparedStatement lotRows,
                  PreparedStatement reliefRows) throws SQLException {
            String lotId = tradeId + "-L1";
            int direction = signed.signum();
            BigDecimal remaining = signed.abs();
            while (remaining.signum() > 0 && !open.isEmpty() && ((BigDecimal) open.peekFirst()[3]).signum() == -direction) {
                Object[] head = open.peekFirst();
                BigDecimal take = remaining.min(((BigDecimal) head[3]).abs());
                head[3] = ((BigDecimal) head[3]).add(BigDecimal.valueOf(direction).multiply(take));
                remaining = remaining.subtract(take);
                reliefs++;
                reliefRows.setString(1, key);
                reliefRows.setLong(2, reliefs);
                reliefRows.setString(3, tradeId);
                reliefRows.setString(4, lotId);
                reliefRows.setLong(5, (Long) head[0]);
                reliefRows.setString(6, (String) head[1]);
                reliefRows.setBigDecimal(7, take);
                reliefRows.setBigDecimal(8, (BigDecimal) head[2]);
                reliefRows.setBigDecimal(9, price);
                reliefRows.setTimestamp(10, Timestamp.from(at));
                reliefRows.setInt(11, ((BigDecimal) head[3]).signum() == 0 ? 1 : 0);
                reliefRows.addBatch();
                if (((BigDecimal) head[3]).signum() == 0) {
                    open.pollFirst();
                }
            }
            lots++;
            BigDecimal opened = remaining.signum() > 0 ? BigDecimal.valueOf(direction).multiply(remaining) : BigDecimal.ZERO;
            if (opened.signum() != 0) {
                open.addLast(new Object[] {lots, lotId, price, opened});
            }
            Object[] head = open.peekFirst();
            lotRows.setString(1, key);
            lotRows.setLong(2, lots);
            lotRows.setString(3, tradeId);
            lotRows.setString(4, lotId);
            lotRows.setBigDecimal(5, signed);
            lotRows.setBigDecimal(6, price);
            lotRows.setTimestamp(7, Timestamp.from(at));
            lotRows.setBigDecimal(8, opened);
            if (lots % CHECKPOINT == 0) {
                lotRows.setLong(9, head == null ? 0L : (Long) head[0]);
                lotRows.setBigDecimal(10, head == null ? BigDecimal.ZERO : (BigDecimal) head[3]);
                lotRows.setLong(11, reliefs);
                lotRows.setLong(12, open.size());
            } else {
                lotRows.setNull(9, java.sql.Types.BIGINT);
                lotRows.setNull(10, java.sql.Types.NUMERIC);
                lotRows.setNull(11, java.sql.Types.BIGINT);
                lotRows.setNull(12, java.sql.Types.BIGINT);
            }
            lotRows.addBatch();
        }

        /** The book's state as its position keeps it: lots, reliefs, head, head's open quantity, open lots. */
        Object[] state() {
            Object[] head = open.peekFirst();
            return new Object[] {lots, reliefs, head == null ? 0L : head[0], head == null ? BigDecimal.ZERO : head[3],
                    (long) open.size()};
        }
    }

    /**
     * Moves each key's position by what its history adds (a key without one gets one), and writes its
     * book's state (the history is the key's whole book: it starts from none).
     */
    private static void position(Connection c, Map<String, BigDecimal[]> added, Map<String, Book> books)
            throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE positions SET quantity = quantity + ?, "
                + "notional = notional + ?, trade_count = trade_count + ? WHERE partition_key = ?");
             PreparedStatement insert = c.prepareStatement("INSERT INTO positions (partition_key, account_id, book_id, "
                     + "security_id, quantity, notional, trade_count, pending_count, fencing_token, updated_at) "
                     + "VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, ?)");
             PreparedStatement book = c.prepareStatement("INSERT INTO lot_books (lot_count, relief_count, head_ordinal, "
                     + "head_open, open_lot_count, partition_key, booked_at) VALUES (?, ?, ?, ?, ?, ?, now()) "
                     + "ON CONFLICT (partition_key) DO UPDATE SET lot_count = EXCLUDED.lot_count, "
                     + "relief_count = EXCLUDED.relief_count, head_ordinal = EXCLUDED.head_ordinal, "
                     + "head_open = EXCLUDED.head_open, open_lot_count = EXCLUDED.open_lot_count")) {
            for (Map.Entry<String, BigDecimal[]> e : added.entrySet()) {
                BigDecimal[] sum = e.getValue();
                Object[] state = books.get(e.getKey()).state();
                update.setBigDecimal(1, sum[0]);
                update.setBigDecimal(2, sum[1]);
                update.setInt(3, sum[2].intValue());
                update.setString(4, e.getKey());
                if (update.executeUpdate() == 0) {
                    String[] parts = e.getKey().split("_", 3);
                    insert.setString(1, e.getKey());
                    insert.setString(2, parts[0]);
                    insert.setString(3, parts[1]);
                    insert.setString(4, parts[2]);
                    insert.setBigDecimal(5, sum[0]);
                    insert.setBigDecimal(6, sum[1]);
                    insert.setInt(7, sum[2].intValue());
                    insert.setTimestamp(8, Timestamp.from(Instant.now()));
                    insert.executeUpdate();
                }
                for (int s = 0; s < state.length; s++) {
                    book.setObject(1 + s, state[s]);
                }
                book.setString(6, e.getKey());
                book.executeUpdate();
            }
        }
    }

    /** The positions the run starts from: quantity, notional and trade count per key. */
    static Map<String, Object[]> positions(String url, String user, String password) throws SQLException {
        Map<String, Object[]> positions = new HashMap<>();
        try (Connection c = DriverManager.getConnection(url, user, password);
             PreparedStatement ps = c.prepareStatement("SELECT partition_key, quantity, notional, trade_count FROM positions");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                positions.put(rs.getString(1), new Object[] {rs.getBigDecimal(2), rs.getBigDecimal(3), rs.getInt(4)});
            }
        }
        return positions;
    }

    /** Batched inserts sent as multi-row statements (PostgreSQL) or bulk copy (SQL Server). */
    private static String batched(String url) {
        if (url.startsWith("jdbc:postgresql:")) {
            return url + (url.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true";
        }
        return url.endsWith(";") ? url + "useBulkCopyForBatchInsert=true" : url + ";useBulkCopyForBatchInsert=true";
    }

    /** A captured event as the service stores one: the fields of the output contract, ~1.3 KB. */
    static String event(String tradeId, String key, boolean buy, BigDecimal quantity, BigDecimal price, Instant at) {
        String[] parts = key.split("_", 3);
        String day = at.toString().substring(0, 10);
        return "{\"tradeId\":\"" + tradeId + "\",\"version\":1,\"partitionKey\":\"" + key + "\",\"action\":\"NEW\","
                + "\"side\":\"" + (buy ? "BUY" : "SELL") + "\",\"sequenceNumber\":null,\"status\":\"CAPTURED\","
                + "\"source\":\"AUTOMATED\",\"enteredBy\":null,\"tradeDate\":\"" + day + "\","
                + "\"accountId\":\"" + parts[0] + "\",\"bookId\":\"" + parts[1] + "\",\"securityId\":\"" + parts[2] + "\","
                + "\"counterpartyIds\":[\"CP-" + parts[0] + "\",\"PB-US-LLC\"],"
                + "\"tradeLots\":[{\"identifiers\":[{\"identifier\":\"" + tradeId + "-L1\",\"identifierType\":\"LOT_ID\"}],"
                + "\"quantity\":" + quantity.toPlainString() + ",\"financialUnit\":\"Share\",\"price\":"
                + price.toPlainString() + ",\"currency\":\"USD\"}],"
                + "\"contract\":{\"identifier\":\"SWAP-" + tradeId + "\",\"taxonomy\":\"EquityDerivative:TotalReturnSwap\","
                + "\"economicTerms\":{\"effectiveDate\":\"" + day + "\",\"terminationDate\":\"2031-12-31\","
                + "\"performancePayout\":{\"underlier\":\"" + parts[2] + "\",\"returnType\":\"Total\","
                + "\"payerReceiver\":{\"payer\":\"PARTY_A\",\"receiver\":\"PARTY_B\"}},"
                + "\"interestRatePayout\":{\"floatingRateIndex\":\"USD-SOFR\",\"spreadBps\":50,\"dayCountFraction\":\"ACT/360\","
                + "\"paymentFrequency\":\"3M\",\"resetFrequency\":\"1D\"}}},"
                + "\"state\":{\"positionState\":\"EXECUTED\"},\"enrichmentStatus\":\"COMPLETE\",\"workflowStatus\":\"APPROVED\","
                + "\"approvalReasons\":[],\"nonEconomicTerms\":{\"settlement\":{\"type\":\"CASH\",\"currency\":\"USD\","
                + "\"settlementDays\":2},\"flags\":[],\"tags\":[\"history\"]},"
                + "\"processingMetadata\":{\"processedAt\":\"" + at + "\",\"processingTimeMs\":3,"
                + "\"rulesApplied\":[\"ECO-001\",\"NEC-002\",\"WF-003\"],\"enrichmentSources\":[\"accounts\",\"books\","
                + "\"securities\"],\"missingReferenceData\":[]},"
                + "\"region\":\"us\",\"instanceId\":\"history\",\"fencingToken\":0,"
                + "\"position\":{\"quantity\":0,\"notional\":0,\"averagePrice\":0,\"tradeCount\":0,\"pendingCount\":0}}";
    }
}
