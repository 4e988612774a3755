package com.pb.synth.tradecapture.store;

import com.pb.synth.tradecapture.config.CaptureConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/** Trade exceptions: rejects kept with their payload for repair, and captured trades needing attention. */
@Singleton
public class ExceptionRepository {

    private static final String INSERT = CaptureTables.TRADE_EXCEPTIONS.unnestInsert(
            "ON CONFLICT (source_topic, source_partition, source_offset, reason_code) DO NOTHING");

    private static final String RESOLVE_GAPS = "UPDATE trade_exceptions e SET status = 'RESOLVED', resolved_at = $3 "
            + "FROM unnest($1::varchar[], $2::int[]) AS v(trade_id, version) WHERE e.trade_id = v.trade_id "
            + "AND e.version = v.version AND e.reason_code = 'SEQUENCE_GAP' AND e.status = 'OPEN'";
    private static final String RESOLVE_REFUSED = "UPDATE trade_exceptions e SET status = 'RESOLVED', resolved_at = $3 "
            + "FROM unnest($1::varchar[], $2::bigint[]) AS v(partition_key, sequence_number) "
            + "WHERE e.partition_key = v.partition_key AND e.sequence_number = v.sequence_number AND e.status = 'OPEN'";
    private static final String REFUSED = "SELECT partition_key, sequence_number, payload_sha256 FROM trade_exceptions "
            + "WHERE partition_key = ANY($1) AND sequence_number IS NOT NULL";

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
            return resolvePairs(conn, "reason_code = 'SEQUENCE_GAP'", "trade_id", tradeIds, "version", versions, at);
        }
        return conn.preparedQuery(RESOLVE_GAPS).execute(Tuple.of(tradeIds.toArray(String[]::new),
                versions.toArray(Integer[]::new), at)).map(result -> result.rowCount());
    }

    /**
     * Closes the open exceptions of refused records whose place in the sequence a valid trade has
     * now taken (a repair, or a corrected resend, captured late with that number).
     */
    public Uni<Integer> resolveRefused(SqlConnection conn, List<String> keys, List<Long> sequences, OffsetDateTime at) {
        if (keys.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        if (sqlServer) {
            return resolvePairs(conn, "sequence_number IS NOT NULL", "partition_key", keys, "sequence_number", sequences,
                    at);
        }
        return conn.preparedQuery(RESOLVE_REFUSED).execute(Tuple.of(keys.toArray(String[]::new),
                sequences.toArray(Long[]::new), at)).map(result -> result.rowCount());
    }

    /** T-SQL: open exceptions matching one of the (a, b) pairs and {@code condition} set RESOLVED, in chunks. */
    private static Uni<Integer> resolvePairs(SqlConnection conn, String condition, String columnA, List<?> a,
                                             String columnB, List<?> b, OffsetDateTime at) {
        List<Integer> index = IntStream.range(0, a.size()).boxed().toList();
        return SqlServerBatch.run(SqlServerBatch.chunks(index, (SqlServerBatch.PARAMETER_BUDGET - 1) / 2), chunk -> {
            StringBuilder pairs = new StringBuilder();
            List<Object> values = new ArrayList<>(chunk.size() * 2 + 1);
            values.add(at);
            for (int i : chunk) {
                pairs.append(pairs.isEmpty() ? "" : " OR ").append('(').append(columnA).append(" = @p")
                        .append(values.size() + 1).append(" AND ").append(columnB).append(" = @p")
                        .append(values.size() + 2).append(')');
                values.add(a.get(i));
                values.add(b.get(i));
            }
            return conn.preparedQuery("UPDATE trade_exceptions SET status = 'RESOLVED', resolved_at = @p1 WHERE "
                    + condition + " AND status = 'OPEN' AND (" + pairs + ")")
                    .execute(Tuple.from(values)).map(result -> result.rowCount());
        });
    }

    /**
     * What identifies the refused records already recorded for these keys: {@link #fingerprint} of
     * each (key, sequence number, payload hash). Read only for batches that hold a refused record
     * with a place in its sequence, under the keys' locks.
     */
    public Uni<Set<String>> refused(SqlConnection conn, Collection<String> keys) {
        if (keys.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        if (sqlServer) {
            Set<String> found = new HashSet<>();
            return SqlServerBatch.selectIn(conn, keys, SqlServerBatch::refused, rows -> found.addAll(fingerprints(rows)))
                    .replaceWith(found);
        }
        return conn.preparedQuery(REFUSED).execute(Tuple.of(keys.toArray(String[]::new)))
                .map(ExceptionRepository::fingerprints);
    }

    private static Set<String> fingerprints(RowSet<Row> rows) {
        Set<String> found = new HashSet<>();
        for (Row row : rows) {
            Buffer hash = row.getBuffer("payload_sha256");
            found.add(fingerprint(row.getString("partition_key"), row.getLong("sequence_number"),
                    hash == null ? null : hash.getBytes()));
        }
        return found;
    }

    /** One refused record's identity: its key, its sequence number and the SHA-256 of its payload. */
    public static String fingerprint(String key, long sequence, byte[] sha256) {
        return key + '\u0000' + sequence + '\u0000' + (sha256 == null ? "" : HexFormat.of().formatHex(sha256));
    }

    /** An exception as {@link CaptureTables#TRADE_EXCEPTIONS} binds it. */
    static Object[] row(ExceptionRow r) {
        return new Object[] {r.reasonCode(), r.detail(), r.tradeId(), r.version(), r.partitionKey(), r.sourceTopic(),
                r.sourcePartition(), r.sourceOffset(), r.payload(), r.createdAt(), r.sequenceNumber(), r.payloadSha256()};
    }
}
