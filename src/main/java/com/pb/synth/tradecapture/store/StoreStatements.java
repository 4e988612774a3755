package com.pb.synth.tradecapture.store;

import com.pb.synth.tradecapture.config.CaptureConfig;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;

/**
 * Runs {@link Statement}s on the capture store in its dialect: the text for the store kind, the
 * values checked against the statement's binds. A statement without binds goes as a simple query.
 */
@Singleton
public class StoreStatements {

    private final Pool pool;
    private final boolean sqlServer;

    public StoreStatements(@CaptureStore Pool pool, CaptureConfig config) {
        this.pool = pool;
        this.sqlServer = config.store().sqlServer();
    }

    /** The store's pool, for transactions. */
    public Pool pool() {
        return pool;
    }

    public Uni<RowSet<Row>> run(Statement statement, Object... values) {
        return run(pool, statement, values);
    }

    /**
     * Runs a statement that inserts its row when the row is missing (an upsert, a reservation, a
     * next version). When another session inserts the same key between this statement's check and
     * its insert — which no T-SQL server here prevents without table hints, and Babelfish ignores
     * those — the unique violation means the row is there now: the statement runs again and finds it
     * (an upsert updates it, a reservation reports it taken, a next version takes the next number).
     * Bounded: a third collision in a row goes to the caller.
     */
    public Uni<RowSet<Row>> upsert(Statement statement, Object... values) {
        return Uni.createFrom().deferred(() -> run(pool, statement, values))
                .onFailure(StoreErrors::uniqueViolation).retry().atMost(2);
    }

    /**
     * Streams a query's rows on a connection inside a transaction, {@code fetch} at a time (a cursor),
     * so a large answer is never held whole: the caller folds the rows as they come. On a SQL Server
     * store the rows come from one query, held whole: the SQL Server client's cursor stream hangs on
     * Babelfish (measured: the position read never answered).
     */
    public Multi<Row> stream(SqlConnection conn, Statement statement, int fetch, Object... values) {
        if (sqlServer) {
            return run(conn, statement, values).onItem().transformToMulti(rows -> Multi.createFrom().iterable(rows));
        }
        Tuple tuple = statement.tuple(values);
        return conn.prepare(statement.sql(false)).onItem().transformToMulti(ps -> ps.createStream(fetch, tuple).toMulti()
                .onTermination().call(() -> ps.close()));
    }

    /** Runs on a given client: a connection inside a transaction. */
    public Uni<RowSet<Row>> run(SqlClient client, Statement statement, Object... values) {
        if (statement.binds().isEmpty()) {
            return client.query(statement.sql(sqlServer)).execute();
        }
        if (sqlServer) {
            SqlServerBatch.Bound bound = statement.forSqlServer(values);
            return bound.values().isEmpty() ? client.query(bound.sql()).execute()
                    : client.preparedQuery(bound.sql()).execute(Tuple.from(bound.values()));
        }
        return client.preparedQuery(statement.sql(false)).execute(statement.tuple(values));
    }
}
