package com.pb.synth.tradecapture.store;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.sqlclient.data.NullValue;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.StringJoiner;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * The capture hot path's statements in T-SQL. SQL Server has no array parameters, so a batch is
 * written as multi-row {@code VALUES} with {@code @pN} parameters, chunked so that no statement
 * binds more than {@link #PARAMETER_BUDGET} values (the server's limit is 2,100). Upserts are an
 * {@code UPDATE … WITH (UPDLOCK, SERIALIZABLE)} joined to the values, then an {@code INSERT} of the
 * rows still missing (no {@code MERGE}); inserts that must be idempotent skip rows already there.
 *
 * <p>Each statement binds its table's columns in the order {@link Table#columns()} lists them,
 * row after row; {@code SqlServerStatementsTest} checks every statement against the T-SQL migration.
 */
public final class SqlServerBatch {

    /** SQL Server refuses a request with more than 2,100 parameters; this leaves room. */
    public static final int PARAMETER_BUDGET = 2_000;

    private SqlServerBatch() {
    }

    /** A column a statement binds, and the Java type its values have. */
    public record Column(String name, Class<?> type) {
    }

    /** A table written in batches: its columns in binding order and the columns of its key. */
    public record Table(String name, List<Column> columns, List<String> key) {

        public int rowsPerStatement() {
            return PARAMETER_BUDGET / columns.size();
        }

        String names() {
            StringJoiner j = new StringJoiner(", ");
            columns.forEach(c -> j.add(c.name()));
            return j.toString();
        }
    }

    public static final Table POSITIONS = new Table("positions", List.of(
            new Column("partition_key", String.class), new Column("account_id", String.class),
            new Column("book_id", String.class), new Column("security_id", String.class),
            new Column("quantity", BigDecimal.class), new Column("notional", BigDecimal.class),
            new Column("trade_count", Integer.class), new Column("pending_count", Integer.class),
            new Column("fencing_token", Long.class), new Column("updated_at", OffsetDateTime.class),
            new Column("last_sequence", Long.class)),
            List.of("partition_key"));

    public static final Table TRADE_VERSIONS = new Table("trade_versions", List.of(
            new Column("trade_id", String.class), new Column("version", Integer.class),
            new Column("partition_key", String.class), new Column("action", String.class),
            new Column("signed_quantity", BigDecimal.class), new Column("signed_notional", BigDecimal.class),
            new Column("live", Boolean.class), new Column("pending", Boolean.class),
            new Column("sequence_number", Long.class), new Column("idempotency_key", String.class),
            new Column("fencing_token", Long.class), new Column("source_partition", Integer.class),
            new Column("source_offset", Long.class), new Column("captured_at", OffsetDateTime.class),
            new Column("captured_event", byte[].class)),
            List.of("trade_id", "version"));

    public static final Table TRADE_EXCEPTIONS = new Table("trade_exceptions", List.of(
            new Column("reason_code", String.class), new Column("detail", String.class),
            new Column("trade_id", String.class), new Column("version", Integer.class),
            new Column("partition_key", String.class), new Column("source_topic", String.class),
            new Column("source_partition", Integer.class), new Column("source_offset", Long.class),
            new Column("payload", byte[].class), new Column("created_at", OffsetDateTime.class)),
            List.of("source_topic", "source_partition", "source_offset", "reason_code"));

    /** Splits rows into the chunks one statement each may bind. */
    public static <T> List<List<T>> chunks(List<T> rows, Table table) {
        return chunks(rows, table.rowsPerStatement());
    }

    /** Splits values into chunks of at most {@code size}. */
    public static <T> List<List<T>> chunks(List<T> rows, int size) {
        List<List<T>> out = new ArrayList<>((rows.size() + size - 1) / size);
        for (int i = 0; i < rows.size(); i += size) {
            out.add(rows.subList(i, Math.min(rows.size(), i + size)));
        }
        return out;
    }

    /** Runs one statement per chunk, one after the other on the connection; sums their row counts. */
    public static <T> Uni<Integer> run(List<List<T>> chunks, Function<List<T>, Uni<Integer>> statement) {
        Uni<Integer> total = Uni.createFrom().item(0);
        for (List<T> chunk : chunks) {
            total = total.flatMap(sum -> statement.apply(chunk).map(n -> sum + n));
        }
        return total;
    }

    /**
     * Runs a query whose {@code IN (…)} list takes {@code values}, one statement per chunk of at most
     * {@link #PARAMETER_BUDGET} values, handing each result to {@code rows}.
     */
    public static Uni<Void> selectIn(SqlConnection conn, Collection<String> values, IntFunction<String> sql,
                                     Consumer<RowSet<Row>> rows) {
        return run(chunks(List.copyOf(values), PARAMETER_BUDGET), chunk -> conn.preparedQuery(sql.apply(chunk.size()))
                .execute(Tuple.from(new ArrayList<Object>(chunk))).invoke(rows).replaceWith(0)).replaceWithVoid();
    }

    /**
     * The chunk's rows, flattened in binding order; bytes go as buffers, and a null as a typed null
     * of its column ({@link NullValue}): an untyped null goes out as TDS type 0x1F, which Babelfish
     * refuses (error 8009) and drops the connection for.
     */
    public static Tuple tuple(List<Object[]> rows, Table table) {
        List<Column> columns = table.columns();
        List<Object> values = new ArrayList<>(rows.size() * columns.size());
        for (Object[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                values.add(bindable(row[c], columns.get(c).type()));
            }
        }
        return Tuple.from(values);
    }

    /** A value as the SQL Server client must receive it: bytes as a buffer, null as a typed null. */
    public static Object bindable(Object value, Class<?> type) {
        if (value == null) {
            return NullValue.of(type == byte[].class ? Buffer.class : type);
        }
        return value instanceof byte[] bytes ? Buffer.buffer(bytes) : value;
    }

    /**
     * {@code (@p1, @p2, …), (…)}: {@code rows} rows of the table's parameters, numbered from 1. A
     * decimal is cast to the column's {@code DECIMAL(28,8)}: the client declares each decimal
     * parameter with its own value's scale, and a table value constructor types a column by the
     * UNION rules, so a scale-0 row beside a scale-2 row would round the latter.
     */
    static String values(int rows, Table table) {
        List<Column> columns = table.columns();
        StringBuilder sql = new StringBuilder(rows * columns.size() * 8);
        int p = 1;
        for (int r = 0; r < rows; r++) {
            sql.append(r == 0 ? "(" : ", (");
            for (int c = 0; c < columns.size(); c++) {
                sql.append(c == 0 ? "" : ", ");
                if (columns.get(c).type() == BigDecimal.class) {
                    sql.append("CAST(@p").append(p++).append(" AS DECIMAL(28,8))");
                } else {
                    sql.append("@p").append(p++);
                }
            }
            sql.append(')');
        }
        return sql.toString();
    }

    /** {@code @p1, …, @pN}. */
    static String list(int n) {
        StringJoiner j = new StringJoiner(", ");
        for (int i = 1; i <= n; i++) {
            j.add("@p" + i);
        }
        return j.toString();
    }

    private static String keyMatch(Table t, String stored, String incoming) {
        StringJoiner j = new StringJoiner(" AND ");
        t.key().forEach(k -> j.add(stored + "." + k + " = " + incoming + "." + k));
        return j.toString();
    }

    /** Reads and update-locks the positions of {@code keys} key values, in key order. */
    public static String lockPositions(int keys) {
        return "SELECT partition_key, quantity, notional, trade_count, pending_count, fencing_token, last_sequence "
                + "FROM positions WITH (UPDLOCK, HOLDLOCK, ROWLOCK) WHERE partition_key IN (" + list(keys) + ") "
                + "ORDER BY partition_key";
    }

    /** Updates the stored positions among {@code rows}, where the stored fencing token is not newer. */
    public static String updatePositions(int rows) {
        Table t = POSITIONS;
        return "UPDATE p SET quantity = v.quantity, notional = v.notional, trade_count = v.trade_count, "
                + "pending_count = v.pending_count, fencing_token = v.fencing_token, updated_at = v.updated_at, "
                + "last_sequence = v.last_sequence "
                + "FROM positions p WITH (UPDLOCK, SERIALIZABLE) JOIN (VALUES " + values(rows, t)
                + ") AS v (" + t.names() + ") ON " + keyMatch(t, "p", "v") + " WHERE p.fencing_token <= v.fencing_token";
    }

    /** Inserts the rows of {@code table} whose key is not stored yet. */
    public static String insertMissing(Table table, int rows) {
        return "INSERT INTO " + table.name() + " (" + table.names() + ") SELECT " + table.names() + " FROM (VALUES "
                + values(rows, table) + ") AS v (" + table.names() + ") WHERE NOT EXISTS (SELECT 1 FROM "
                + table.name() + " s WITH (UPDLOCK, SERIALIZABLE) WHERE " + keyMatch(table, "s", "v") + ")";
    }

    /** Every stored version of {@code ids} trade ids. */
    public static String history(int ids) {
        return "SELECT trade_id, version, partition_key, signed_quantity, signed_notional, live, pending, captured_event "
                + "FROM trade_versions WHERE trade_id IN (" + list(ids) + ")";
    }
}
