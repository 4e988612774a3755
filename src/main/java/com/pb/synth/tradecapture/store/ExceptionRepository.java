package com.pb.synth.tradecapture.store;

import com.pb.synth.tradecapture.config.CaptureConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.time.OffsetDateTime;
import java.util.List;

/** Trade exceptions: rejects kept with their payload for repair, and captured trades needing attention. */
@Singleton
public class ExceptionRepository {

    private static final String INSERT = CaptureTables.TRADE_EXCEPTIONS.unnestInsert(
            "ON CONFLICT (source_topic, source_partition, source_offset, reason_code) DO NOTHING");

    private static final String RESOLVE_GAPS = "UPDATE trade_exceptions e SET status = 'RESOLVED', resolved_at = $3 "
            + "FROM unnest($1::varchar[], $2::int[]) AS v(trade_id, version) WHERE e.trade_id = v.trade_id "
            + "AND e.version = v.version AND e.reason_code = 'SEQUENCE_GAP' AND e.status = 'OPEN'";

    private final boolean sqlServer;

    public ExceptionRepository(CaptureConfig config) {
        this.sqlServer = config.store().sqlServer();
    }

    /** Inserts the exceptions not recorded yet (a redelivered record opens no second exception). */
    public Uni<Integer> insert(SqlConnection conn, List<ExceptionRow> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<Object[]> values = rows.stream().map(ExceptionRepository::row).toList();
        if (sqlServer) {
            return SqlServerBatch.run(SqlServerBatch.chunks(values, CaptureTables.TRADE_EXCEPTIONS),
                    chunk -> conn.preparedQuery(SqlServerBatch.insertMissing(CaptureTables.TRADE_EXCEPTIONS,
                            chunk)).execute(SqlServerBatch.tuple(chunk)).map(result -> result.rowCount()));
        }
        return conn.preparedQuery(INSERT).execute(CaptureTables.TRADE_EXCEPTIONS.arrays(values))
                .map(result -> result.rowCount());
    }

    /**
     * Closes the open SEQUENCE_GAP exceptions of trade versions that were captured after all (a late
     * arrival, or a redelivery after the set-aside): the exception no longer needs a repair.
     */
    public Uni<Integer> resolveSequenceGaps(SqlConnection conn, List<String> tradeIds, List<Integer> versions,
                                            OffsetDateTime at) {
        if (tradeIds.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        if (sqlServer) {
            List<Integer> index = java.util.stream.IntStream.range(0, tradeIds.size()).boxed().toList();
            return SqlServerBatch.run(SqlServerBatch.chunks(index, (SqlServerBatch.PARAMETER_BUDGET - 1) / 2), chunk -> {
                StringBuilder pairs = new StringBuilder();
                List<Object> values = new java.util.ArrayList<>(chunk.size() * 2 + 1);
                values.add(at);
                for (int i : chunk) {
                    pairs.append(pairs.isEmpty() ? "" : " OR ").append("(trade_id = @p").append(values.size() + 1)
                            .append(" AND version = @p").append(values.size() + 2).append(')');
                    values.add(tradeIds.get(i));
                    values.add(versions.get(i));
                }
                return conn.preparedQuery("UPDATE trade_exceptions SET status = 'RESOLVED', resolved_at = @p1 "
                        + "WHERE reason_code = 'SEQUENCE_GAP' AND status = 'OPEN' AND (" + pairs + ")")
                        .execute(Tuple.from(values)).map(result -> result.rowCount());
            });
        }
        return conn.preparedQuery(RESOLVE_GAPS).execute(Tuple.of(tradeIds.toArray(String[]::new),
                versions.toArray(Integer[]::new), at)).map(result -> result.rowCount());
    }

    /** An exception as {@link CaptureTables#TRADE_EXCEPTIONS} binds it. */
    static Object[] row(ExceptionRow r) {
        return new Object[] {r.reasonCode(), r.detail(), r.tradeId(), r.version(), r.partitionKey(), r.sourceTopic(),
                r.sourcePartition(), r.sourceOffset(), r.payload(), r.createdAt()};
    }
}
