package com.pb.synth.tradecapture.store;

import com.pb.synth.tradecapture.config.CaptureConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.List;

/** Trade exceptions: rejects kept with their payload for repair, and captured trades needing attention. */
@ApplicationScoped
public class ExceptionRepository {

    private static final String INSERT = "INSERT INTO trade_exceptions (reason_code, detail, trade_id, version, "
            + "partition_key, source_topic, source_partition, source_offset, payload, created_at) "
            + "SELECT * FROM unnest($1::varchar[], $2::text[], $3::varchar[], $4::int[], $5::varchar[], $6::varchar[], "
            + "$7::int[], $8::bigint[], $9::bytea[], $10::timestamptz[]) "
            + "ON CONFLICT (source_topic, source_partition, source_offset, reason_code) DO NOTHING";

    private final boolean sqlServer;

    public ExceptionRepository(CaptureConfig config) {
        this.sqlServer = StoreKind.sqlServer(config);
    }

    /** Inserts the exceptions not recorded yet (a redelivered record opens no second exception). */
    public Uni<Integer> insert(SqlConnection conn, List<ExceptionRow> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        if (sqlServer) {
            List<Object[]> values = rows.stream().map(ExceptionRepository::row).toList();
            return SqlServerBatch.run(SqlServerBatch.chunks(values, SqlServerBatch.TRADE_EXCEPTIONS),
                    chunk -> conn.preparedQuery(SqlServerBatch.insertMissing(SqlServerBatch.TRADE_EXCEPTIONS,
                            chunk.size())).execute(SqlServerBatch.tuple(chunk)).map(result -> result.rowCount()));
        }
        int n = rows.size();
        String[] codes = new String[n], details = new String[n], ids = new String[n], keys = new String[n],
                topics = new String[n];
        Integer[] versions = new Integer[n], partitions = new Integer[n];
        Long[] offsets = new Long[n];
        Buffer[] payloads = new Buffer[n];
        OffsetDateTime[] at = new OffsetDateTime[n];
        for (int i = 0; i < n; i++) {
            ExceptionRow r = rows.get(i);
            codes[i] = r.reasonCode();
            details[i] = r.detail();
            ids[i] = r.tradeId();
            versions[i] = r.version();
            keys[i] = r.partitionKey();
            topics[i] = r.sourceTopic();
            partitions[i] = r.sourcePartition();
            offsets[i] = r.sourceOffset();
            payloads[i] = r.payload() == null ? null : Buffer.buffer(r.payload());
            at[i] = r.createdAt();
        }
        Tuple params = Tuple.tuple(List.of(codes, details, ids, versions, keys, topics, partitions, offsets,
                payloads, at));
        return conn.preparedQuery(INSERT).execute(params).map(result -> result.rowCount());
    }

    /** An exception as {@link SqlServerBatch#TRADE_EXCEPTIONS} binds it. */
    static Object[] row(ExceptionRow r) {
        return new Object[] {r.reasonCode(), r.detail(), r.tradeId(), r.version(), r.partitionKey(), r.sourceTopic(),
                r.sourcePartition(), r.sourceOffset(), r.payload(), r.createdAt()};
    }
}
