package com.pb.synth.tradecapture.store;

import com.pb.synth.tradecapture.config.CaptureConfig;
import com.pb.synth.tradecapture.domain.Contribution;
import com.pb.synth.tradecapture.domain.StoredVersion;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Trade versions: the idempotency record of capture. Every statement is one round trip per batch. */
@Singleton
public class TradeVersionRepository {

    private static final String HISTORY = "SELECT trade_id, version, partition_key, signed_quantity, signed_notional, "
            + "live, pending, captured_event, source_partition, source_offset, captured_at FROM trade_versions "
            + "WHERE trade_id = ANY($1)";
    private static final String INSERT = CaptureTables.TRADE_VERSIONS.unnestInsert("ON CONFLICT (trade_id, version) DO NOTHING");

    private final boolean sqlServer;

    public TradeVersionRepository(CaptureConfig config) {
        this.sqlServer = config.store().sqlServer();
    }

    /** Every stored version of the given trades, by trade id. */
    public Uni<Map<String, List<StoredVersion>>> history(SqlConnection conn, Collection<String> tradeIds) {
        Map<String, List<StoredVersion>> byTrade = new HashMap<>();
        if (sqlServer) {
            return SqlServerBatch.selectIn(conn, tradeIds, SqlServerBatch::history, rows -> collect(rows, byTrade))
                    .replaceWith(byTrade);
        }
        return conn.preparedQuery(HISTORY).execute(Tuple.of(tradeIds.toArray(String[]::new)))
                .invoke(rows -> collect(rows, byTrade)).replaceWith(byTrade);
    }

    private static void collect(RowSet<Row> rows, Map<String, List<StoredVersion>> byTrade) {
        for (Row row : rows) {
            StoredVersion v = from(row);
            byTrade.computeIfAbsent(v.tradeId(), k -> new ArrayList<>(2)).add(v);
        }
    }

    /** Inserts the rows that are not there yet; returns how many were inserted. */
    public Uni<Integer> insert(SqlConnection conn, List<TradeVersionRow> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<Object[]> values = rows.stream().map(TradeVersionRepository::row).toList();
        if (sqlServer) {
            return SqlServerBatch.run(SqlServerBatch.chunks(values, CaptureTables.TRADE_VERSIONS),
                    chunk -> conn.preparedQuery(SqlServerBatch.insertMissing(CaptureTables.TRADE_VERSIONS, chunk))
                            .execute(SqlServerBatch.tuple(chunk)).map(result -> result.rowCount()));
        }
        return conn.preparedQuery(INSERT).execute(CaptureTables.TRADE_VERSIONS.arrays(values))
                .map(result -> result.rowCount());
    }

    /** A trade version as {@link CaptureTables#TRADE_VERSIONS} binds it. */
    static Object[] row(TradeVersionRow r) {
        return new Object[] {r.tradeId(), r.version(), r.partitionKey(), r.action(), r.signedQuantity(),
                r.signedNotional(), r.live(), r.pending(), r.sequenceNumber(), r.idempotencyKey(), r.fencingToken(),
                r.sourcePartition(), r.sourceOffset(), r.capturedAt(), r.capturedEvent()};
    }

    private static StoredVersion from(Row row) {
        return new StoredVersion(row.getString("trade_id"), row.getInteger("version"), row.getString("partition_key"),
                new Contribution(row.getBigDecimal("signed_quantity"), row.getBigDecimal("signed_notional"),
                        row.getBoolean("live"), row.getBoolean("pending")),
                row.getBuffer("captured_event").getBytes(),
                row.getInteger("source_partition") == null ? -1 : row.getInteger("source_partition"),
                row.getLong("source_offset") == null ? -1 : row.getLong("source_offset"),
                row.getOffsetDateTime("captured_at").toInstant().toEpochMilli());
    }
}
