package com.pb.synth.tradecapture.store;

import static com.pb.synth.tradecapture.store.Statement.bind;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pb.synth.tradecapture.domain.FifoLots;
import com.pb.synth.tradecapture.domain.Lot;
import com.pb.synth.tradecapture.domain.Side;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * A key's live trades as their stored versions tell them: the newest version of each, in the order
 * the trades were first captured, with the lots of its captured event. What a key's lot book is
 * built from when it has none yet, and what a position read replays until then.
 */
@Singleton
public class LiveTrades {

    // The key's live trades, newest version each, in the order their first version was captured.
    public static final Statement LIVE_TRADES = Statement.of("live trades of a key",
            liveTrades("$1", "live"), liveTrades("@p1", "live = 1"), bind("trade_versions.partition_key", String.class));
    /** Rows of a key's live trades fetched at a time by the cursor. */
    static final int FETCH = 500;

    private static String liveTrades(String key, String live) {
        return "SELECT trade_id, version, captured_event, first_at FROM (SELECT trade_id, version, live, captured_event, "
                + "min(captured_at) OVER (PARTITION BY trade_id) AS first_at, "
                + "min(source_offset) OVER (PARTITION BY trade_id) AS first_offset, "
                + "row_number() OVER (PARTITION BY trade_id ORDER BY version DESC) AS newest "
                + "FROM trade_versions WHERE partition_key = " + key + ") v WHERE newest = 1 AND " + live
                + " ORDER BY first_at, first_offset, trade_id";
    }

    private final StoreStatements store;
    private final ObjectMapper mapper;

    public LiveTrades(StoreStatements store, ObjectMapper mapper) {
        this.store = store;
        this.mapper = mapper;
    }

    /**
     * The key's live trades, their lots only, read through a cursor {@value #FETCH} rows at a time
     * inside the connection's transaction and parsed on a worker thread as they come: the captured
     * events (a few KB each) are never held together, so a key with 100,000 trades costs time, not
     * the instance's heap, and the event loop is not held while they are parsed.
     */
    public Uni<List<FifoLots.TradeLots>> read(SqlConnection conn, String partitionKey) {
        return store.stream(conn, LIVE_TRADES, FETCH, partitionKey)
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(this::tradeLots)
                .collect().asList();
    }

    private FifoLots.TradeLots tradeLots(Row row) {
        JsonNode e;
        try {
            e = mapper.readTree(row.getBuffer("captured_event").getBytes());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        List<Lot> lots = new ArrayList<>();
        for (JsonNode l : e.path("tradeLots")) {
            List<Lot.LotIdentifier> ids = new ArrayList<>();
            for (JsonNode id : l.path("identifiers")) {
                ids.add(new Lot.LotIdentifier(id.path("identifier").asText(), id.path("identifierType").asText()));
            }
            lots.add(new Lot(ids, l.path("quantity").decimalValue(), l.path("financialUnit").asText(null),
                    l.path("price").decimalValue(), l.path("currency").asText(null)));
        }
        OffsetDateTime first = row.getOffsetDateTime("first_at");
        return new FifoLots.TradeLots(row.getString("trade_id"), row.getInteger("version"),
                Side.valueOf(e.path("side").asText("BUY")), lots, first == null ? null : first.toInstant());
    }
}
