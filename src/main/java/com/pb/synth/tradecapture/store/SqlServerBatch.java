package com.pb.synth.tradecapture.store;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.StringJoiner;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;
import com.pb.synth.tradecapture.store.CaptureTables.Column;
import com.pb.synth.tradecapture.store.CaptureTables.Table;

/**
 * The capture hot path's statements in T-SQL. SQL Server has no array parameters, so a batch is
 * written as multi-row {@code VALUES} with {@code @pN} parameters, chunked so that no statement
 * binds more than {@link #PARAMETER_BUDGET} values (the server's limit is 2,100). Upserts are an
 * {@code UPDATE} joined to the values, then an {@code INSERT} of the rows still missing (no
 * {@code MERGE}); inserts that must be idempotent skip rows already there.
 *
 * <p>No statement relies on a table hint (Babelfish ignores them all): the positions are locked by
 * an {@code UPDATE} that changes nothing and returns the rows it locked ({@link #lockPositions}),
 * which every T-SQL server honours; two writers inserting the same new key meet on the primary key,
 * and the loser's unique violation (2627) rolls its transaction back to be run again from a fresh
 * read — never committed with a write skipped.
 *
 * <p>The tables are {@link CaptureTables}'. Each statement binds a table's columns in the order
 * {@link Table#columns()} lists them,
 * row after row; {@code SqlServerStatementsTest} checks every statement against the T-SQL migration.
 */
public final class SqlServerBatch {

    /** SQL Server refuses a request with more than 2,100 parameters; this leaves room. */
    public static final int PARAMETER_BUDGET = 2_000;

    private SqlServerBatch() {
    }

    /**
     * Splits rows into the chunks one statement each may bind, rows with the same nulls together
     * (a null is written into the text, so this keeps the number of distinct statement texts small).
     */
    public static List<List<Object[]>> chunks(List<Object[]> rows, Table table) {
        List<Object[]> byNulls = new ArrayList<>(rows);
        byNulls.sort(java.util.Comparator.comparingLong(SqlServerBatch::nullMask));
        return chunks(byNulls, table.rowsPerStatement());
    }

    private static long nullMask(Object[] row) {
        long mask = 0;
        for (int c = 0; c < row.length && c < 64; c++) {
            mask |= row[c] == null ? 1L << c : 0;
        }
        return mask;
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
     * The chunk's rows, flattened in binding order, for {@link #values}: nulls are in the text, not
     * bound; bytes go as buffers.
     */
    public static Tuple tuple(List<Object[]> rows) {
        List<Object> values = new ArrayList<>(rows.size() * (rows.isEmpty() ? 0 : rows.get(0).length));
        for (Object[] row : rows) {
            for (Object v : row) {
                if (v != null) {
                    values.add(v instanceof byte[] bytes ? Buffer.buffer(bytes) : v);
                }
            }
        }
        return Tuple.from(values);
    }

    /**
     * {@code (@p1, @p2, …), (…)}: the rows' values as parameters numbered from 1, each null written
     * as a typed NULL instead ({@link #typedNull}). A decimal is cast to the column's
     * {@code DECIMAL(28,8)}: the client declares each decimal parameter with its own value's scale,
     * and a table value constructor types a column by the UNION rules, so a scale-0 row beside a
     * scale-2 row would round the latter.
     */
    static String values(List<Object[]> rows, Table table) {
        List<Column> columns = table.columns();
        StringBuilder sql = new StringBuilder(rows.size() * columns.size() * 8);
        int p = 1;
        for (int r = 0; r < rows.size(); r++) {
            sql.append(r == 0 ? "(" : ", (");
            Object[] row = rows.get(r);
            for (int c = 0; c < columns.size(); c++) {
                sql.append(c == 0 ? "" : ", ");
                Class<?> type = columns.get(c).type();
                if (row != null && row[c] == null) {
                    sql.append(typedNull(type));
                } else if (type == BigDecimal.class) {
                    sql.append("CAST(@p").append(p++).append(" AS DECIMAL(28,8))");
                } else {
                    sql.append("@p").append(p++);
                }
            }
            sql.append(')');
        }
        return sql.toString();
    }

    /** {@code rows} rows without nulls, for tests of the statement shapes. */
    private static List<Object[]> noNulls(int rows) {
        List<Object[]> list = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            list.add(null);
        }
        return list;
    }

    /**
     * A NULL of a parameter's Java type, written into the statement: the Vert.x client sends every
     * null parameter as TDS type 0x1F (even a {@code NullValue}), which Babelfish refuses with error
     * 8009 and drops the connection for. A statement therefore binds no null at all.
     */
    public static String typedNull(Class<?> type) {
        String sqlType = type == String.class ? "NVARCHAR(4000)"
                : type == Integer.class ? "INT"
                : type == Long.class ? "BIGINT"
                : type == BigDecimal.class ? "DECIMAL(28,8)"
                : type == Boolean.class ? "BIT"
                : type == OffsetDateTime.class ? "DATETIMEOFFSET(3)"
                : type == byte[].class || type == Buffer.class ? "VARBINARY(MAX)"
                : null;
        if (sqlType == null) {
            throw new IllegalArgumentException("no T-SQL type for " + type.getName());
        }
        return "CAST(NULL AS " + sqlType + ")";
    }

    private static final java.util.regex.Pattern PARAM = java.util.regex.Pattern.compile("@p(\\d+)\\b");

    /** A statement's T-SQL and the values it binds once its nulls are written into the text. */
    public record Bound(String sql, List<Object> values) {
    }

    /**
     * Writes each null value into {@code sql} as a typed NULL ({@link #typedNull}) and numbers the
     * remaining parameters 1..N again; bytes go as buffers.
     */
    public static Bound inlineNulls(String sql, List<Object> values, List<Class<?>> types) {
        int[] renumbered = new int[values.size()];
        List<Object> bound = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            Object v = values.get(i);
            if (v == null) {
                renumbered[i] = 0;
            } else {
                bound.add(v instanceof byte[] bytes ? Buffer.buffer(bytes) : v);
                renumbered[i] = bound.size();
            }
        }
        if (bound.size() == values.size()) {
            return new Bound(sql, bound);
        }
        java.util.regex.Matcher m = PARAM.matcher(sql);
        StringBuilder out = new StringBuilder(sql.length() + 32);
        while (m.find()) {
            int i = Integer.parseInt(m.group(1)) - 1;
            m.appendReplacement(out, renumbered[i] == 0 ? typedNull(types.get(i)) : "@p" + renumbered[i]);
        }
        m.appendTail(out);
        return new Bound(out.toString(), bound);
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

    /**
     * Locks the positions of {@code keys} key values, then reads them as they are once locked: an
     * {@code UPDATE} that sets nothing new takes each row's exclusive lock (waiting for a writer that
     * holds it, up to the session's LOCK_TIMEOUT), and the {@code SELECT} after it in the same batch
     * reads the rows as committed by then, also under READ_COMMITTED_SNAPSHOT. The same on SQL Server
     * and Babelfish, unlike a {@code SELECT … WITH (UPDLOCK)}, whose hint Babelfish ignores. (Not
     * {@code UPDATE … OUTPUT}: after waiting on a lock, Babelfish 4.3 returns the row as it was before
     * the wait — measured — though it updates the new one.) Two results: the update's count, then the rows.
     */
    public static String lockPositions(int keys) {
        String in = "WHERE partition_key IN (" + list(keys) + ")";
        return "UPDATE positions SET fencing_token = fencing_token " + in + "; SELECT partition_key, quantity, notional, "
                + "trade_count, pending_count, fencing_token, last_sequence FROM positions " + in;
    }

    /** The update of {@code rows} positions without nulls (the statement's shape). */
    public static String updatePositions(int rows) {
        return updatePositions(noNulls(rows));
    }

    /** Updates the stored positions among {@code rows}, where the stored fencing token is not newer. */
    public static String updatePositions(List<Object[]> rows) {
        Table t = CaptureTables.POSITIONS;
        return "UPDATE p SET quantity = v.quantity, notional = v.notional, trade_count = v.trade_count, "
                + "pending_count = v.pending_count, fencing_token = v.fencing_token, updated_at = v.updated_at, "
                + "last_sequence = v.last_sequence FROM positions p JOIN (VALUES " + values(rows, t)
                + ") AS v (" + t.names() + ") ON " + keyMatch(t, "p", "v") + " WHERE p.fencing_token <= v.fencing_token";
    }

    /** The insert of {@code rows} rows without nulls (the statement's shape). */
    public static String insertMissing(Table table, int rows) {
        return insertMissing(table, noNulls(rows));
    }

    /**
     * Inserts the rows of {@code table} whose key is not stored yet. A row another writer inserts
     * meanwhile fails the statement with a unique violation (the caller's transaction runs again).
     */
    public static String insertMissing(Table table, List<Object[]> rows) {
        return "INSERT INTO " + table.name() + " (" + table.names() + ") SELECT " + table.names() + " FROM (VALUES "
                + values(rows, table) + ") AS v (" + table.names() + ") WHERE NOT EXISTS (SELECT 1 FROM "
                + table.name() + " s WHERE " + keyMatch(table, "s", "v") + ")";
    }

    /** The refused records with a place in their key's sequence, of {@code keys} keys. */
    public static String refused(int keys) {
        return "SELECT partition_key, sequence_number, payload_sha256 FROM trade_exceptions WHERE partition_key IN ("
                + list(keys) + ") AND sequence_number IS NOT NULL";
    }

    /** Every stored version of {@code ids} trade ids. */
    public static String history(int ids) {
        return "SELECT trade_id, version, partition_key, signed_quantity, signed_notional, live, pending, captured_event, "
                + "source_partition, source_offset, captured_at "
                + "FROM trade_versions WHERE trade_id IN (" + list(ids) + ")";
    }
}
