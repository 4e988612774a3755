package com.pb.synth.tradecapture.store;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * The tables the capture path writes a batch of rows into, each declared once: its columns in
 * binding order (with their Java type and PostgreSQL array type) and its key. A repository maps
 * a row to an {@code Object[]} in this order once; both dialects' statements come from here:
 * PostgreSQL binds one array per column ({@link Table#unnestInsert}, {@link Table#arrays}), SQL
 * Server multi-row {@code VALUES} ({@link SqlServerBatch}). {@code SqlServerStatementsTest} and
 * {@code SqlServerDialectTest} check them against the T-SQL migration, the ITs against PostgreSQL.
 */
public final class CaptureTables {

    private CaptureTables() {
    }

    /** A column a statement binds: its name, the Java type of its values, its PostgreSQL type. */
    public record Column(String name, Class<?> type, String pgType) {
    }

    /** A table written in batches: its columns in binding order and the columns of its key. */
    public record Table(String name, List<Column> columns, List<String> key) {

        /** Rows one SQL Server statement may bind within its parameter budget. */
        public int rowsPerStatement() {
            return SqlServerBatch.PARAMETER_BUDGET / columns.size();
        }

        /** {@code c1, c2, …}. */
        public String names() {
            StringJoiner j = new StringJoiner(", ");
            columns.forEach(c -> j.add(c.name()));
            return j.toString();
        }

        /** PostgreSQL: {@code INSERT INTO t (c…) SELECT * FROM unnest($1::type[], …) <onConflict>}. */
        public String unnestInsert(String onConflict) {
            StringJoiner arrays = new StringJoiner(", ");
            for (int i = 0; i < columns.size(); i++) {
                arrays.add("$" + (i + 1) + "::" + columns.get(i).pgType() + "[]");
            }
            return "INSERT INTO " + name + " (" + names() + ") SELECT * FROM unnest(" + arrays + ") " + onConflict;
        }

        /** PostgreSQL: the rows as one array per column, the parameters of {@link #unnestInsert}. */
        public Tuple arrays(List<Object[]> rows) {
            int n = rows.size();
            List<Object> params = new ArrayList<>(columns.size());
            for (int c = 0; c < columns.size(); c++) {
                Class<?> type = columns.get(c).type();
                Object array = Array.newInstance(type == BigDecimal.class ? Numeric.class
                        : type == byte[].class ? Buffer.class : type, n);
                Object[] values = (Object[]) array;
                for (int r = 0; r < n; r++) {
                    Object v = rows.get(r)[c];
                    values[r] = v == null ? null : type == BigDecimal.class ? Numeric.create((BigDecimal) v)
                            // wrapped, not copied: bytes are never changed once written
                            : type == byte[].class ? Buffer.buffer(Unpooled.wrappedBuffer((byte[]) v)) : v;
                }
                params.add(array);
            }
            return Tuple.tuple(params);
        }
    }

    private static Column text(String name) {
        return new Column(name, String.class, "varchar");
    }

    public static final Table POSITIONS = new Table("positions", List.of(
            text("partition_key"), text("account_id"), text("book_id"), text("security_id"),
            new Column("quantity", BigDecimal.class, "numeric"), new Column("notional", BigDecimal.class, "numeric"),
            new Column("trade_count", Integer.class, "int"), new Column("pending_count", Integer.class, "int"),
            new Column("fencing_token", Long.class, "bigint"), new Column("updated_at", OffsetDateTime.class, "timestamptz"),
            new Column("last_sequence", Long.class, "bigint")),
            List.of("partition_key"));

    public static final Table TRADE_VERSIONS = new Table("trade_versions", List.of(
            text("trade_id"), new Column("version", Integer.class, "int"), text("partition_key"), text("action"),
            new Column("signed_quantity", BigDecimal.class, "numeric"),
            new Column("signed_notional", BigDecimal.class, "numeric"),
            new Column("live", Boolean.class, "bool"), new Column("pending", Boolean.class, "bool"),
            new Column("sequence_number", Long.class, "bigint"), text("idempotency_key"),
            new Column("fencing_token", Long.class, "bigint"), new Column("source_partition", Integer.class, "int"),
            new Column("source_offset", Long.class, "bigint"), new Column("captured_at", OffsetDateTime.class, "timestamptz"),
            new Column("captured_event", byte[].class, "bytea")),
            List.of("trade_id", "version"));

    public static final Table TRADE_EXCEPTIONS = new Table("trade_exceptions", List.of(
            text("reason_code"), new Column("detail", String.class, "text"), text("trade_id"),
            new Column("version", Integer.class, "int"), text("partition_key"), text("source_topic"),
            new Column("source_partition", Integer.class, "int"), new Column("source_offset", Long.class, "bigint"),
            new Column("payload", byte[].class, "bytea"), new Column("created_at", OffsetDateTime.class, "timestamptz"),
            new Column("sequence_number", Long.class, "bigint"), new Column("payload_sha256", byte[].class, "bytea")),
            List.of("source_topic", "source_partition", "source_offset", "reason_code"));

    private static Column bigint(String name) {
        return new Column(name, Long.class, "bigint");
    }

    private static Column decimal(String name) {
        return new Column(name, BigDecimal.class, "numeric");
    }

    private static Column instant(String name) {
        return new Column(name, OffsetDateTime.class, "timestamptz");
    }

    /** A key's lots, one row per lot of a live trade, in replay order ({@code LotBook.LotRow}). */
    public static final Table POSITION_LOTS = new Table("position_lots", List.of(
            text("partition_key"), bigint("ordinal"), text("trade_id"), text("lot_id"), decimal("quantity"),
            decimal("price"), instant("opened_at"), decimal("opened"), bigint("head_after"), decimal("head_open_after"),
            bigint("reliefs_after"), bigint("open_after")),
            List.of("partition_key", "ordinal"));

    /** A key's rows past {@code ordinal}: what a re-flow that books fewer lots or reliefs deletes. */
    public static final Table LOT_RANGES = new Table("position_lots", List.of(text("partition_key"), bigint("ordinal")),
            List.of("partition_key"));

    public static final Table LOT_RELIEFS = new Table("lot_reliefs", List.of(
            text("partition_key"), bigint("ordinal"), text("trade_id"), text("lot_id"), bigint("relieved_ordinal"),
            text("relieved_lot_id"), decimal("quantity"), decimal("open_price"), decimal("close_price"),
            instant("relieved_at"), new Column("closes", Integer.class, "int")),
            List.of("partition_key", "ordinal"));

    /** A key's lot book: its state after its last lot ({@code LotBook.State}) and when it was booked. */
    public static final Table LOT_BOOKS = new Table("lot_books", List.of(
            text("partition_key"), bigint("lot_count"), bigint("relief_count"), bigint("head_ordinal"),
            decimal("head_open"), bigint("open_lot_count"), instant("booked_at")),
            List.of("partition_key"));

    /**
     * Changes to keys' lots queued for the booker, numbered {@code n} in the order made: inserted in
     * that order, so the queue's identity ({@code seq}) follows it.
     */
    public static final Table LOT_QUEUE = new Table("lot_queue", List.of(
            new Column("n", Integer.class, "int"), text("partition_key"), text("trade_id"),
            new Column("lots", String.class, "text"), instant("queued_at")),
            List.of("partition_key"));
}
