package com.pb.synth.tradecapture.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pb.synth.tradecapture.domain.Position;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** Read side of the API: a trade's captured versions, a key's position, the exceptions to repair. */
@ApplicationScoped
public class QueryRepository {

    private static final String VERSIONS = "SELECT captured_event FROM trade_versions WHERE trade_id = $1 ORDER BY version";
    private static final String POSITION = "SELECT partition_key, account_id, book_id, security_id, quantity, notional, "
            + "trade_count, pending_count, fencing_token, updated_at FROM positions WHERE partition_key = $1";
    private static final String EXCEPTIONS = "SELECT exception_id, reason_code, detail, trade_id, version, partition_key, "
            + "source_topic, source_partition, source_offset, status, created_at FROM trade_exceptions "
            + "WHERE status = $1 AND exception_id > $2 ORDER BY exception_id LIMIT $3";

    /** A trade's blotter as captured, every version oldest first. */
    public record TradeView(String tradeId, JsonNode latest, List<JsonNode> versions) {
    }

    /** A key's position. */
    public record PositionView(String partitionKey, String accountId, String bookId, String securityId,
                               BigDecimal quantity, BigDecimal notional, BigDecimal averagePrice, int tradeCount,
                               int pendingCount, long fencingToken, OffsetDateTime updatedAt) {
    }

    /** An exception to repair; its payload is kept in the table. */
    public record ExceptionView(long exceptionId, String reasonCode, String detail, String tradeId, Integer version,
                                String partitionKey, String sourceTopic, int sourcePartition, long sourceOffset,
                                String status, OffsetDateTime createdAt) {
    }

    private final Pool pool;
    private final ObjectMapper mapper;

    public QueryRepository(Pool pool, ObjectMapper mapper) {
        this.pool = pool;
        this.mapper = mapper;
    }

    public Uni<TradeView> trade(String tradeId) {
        return pool.preparedQuery(VERSIONS).execute(Tuple.of(tradeId)).map(rows -> {
            List<JsonNode> versions = new ArrayList<>();
            for (Row row : rows) {
                try {
                    versions.add(mapper.readTree(row.getBuffer("captured_event").getBytes()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return versions.isEmpty() ? null : new TradeView(tradeId, versions.get(versions.size() - 1), versions);
        });
    }

    public Uni<PositionView> position(String partitionKey) {
        return pool.preparedQuery(POSITION).execute(Tuple.of(partitionKey)).map(rows -> {
            if (rows.size() == 0) {
                return null;
            }
            Row r = rows.iterator().next();
            Position p = new Position(r.getString("partition_key"), r.getBigDecimal("quantity"),
                    r.getBigDecimal("notional"), r.getInteger("trade_count"), r.getInteger("pending_count"),
                    r.getLong("fencing_token"));
            return new PositionView(p.partitionKey(), r.getString("account_id"), r.getString("book_id"),
                    r.getString("security_id"), p.quantity(), p.notional(), p.averagePrice(), p.tradeCount(),
                    p.pendingCount(), p.fencingToken(), r.getOffsetDateTime("updated_at"));
        });
    }

    public Uni<List<ExceptionView>> exceptions(String status, long afterId, int limit) {
        return pool.preparedQuery(EXCEPTIONS).execute(Tuple.of(status, afterId, limit)).map(rows -> {
            List<ExceptionView> list = new ArrayList<>();
            for (Row r : rows) {
                list.add(new ExceptionView(r.getLong("exception_id"), r.getString("reason_code"), r.getString("detail"),
                        r.getString("trade_id"), r.getInteger("version"), r.getString("partition_key"),
                        r.getString("source_topic"), r.getInteger("source_partition"), r.getLong("source_offset"),
                        r.getString("status"), r.getOffsetDateTime("created_at")));
            }
            return list;
        });
    }
}
