package com.pb.synth.tradecapture.store;

import static com.pb.synth.tradecapture.store.Statement.bind;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.inject.Singleton;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per input partition, the highest offset whose batch's captured events the broker acknowledged.
 * It tells a redelivered record whose version is already stored apart: at or below the mark its
 * event went out (it is republished as DUPLICATE); above it the writer may have stopped between its
 * commit and its publish (a crash, a freeze, a lost partition), so the stored event goes out as it
 * was first written, CAPTURED, and no trade is left without one. A mark only ever rises; it is a
 * hint written after the publish, so a crash in between republishes a batch as CAPTURED once more.
 */
@Singleton
public class PublishedOffsets {

    static final Statement MARK = Statement.of("published_offsets mark",
            "INSERT INTO published_offsets (topic, partition_no, published_offset, updated_at) VALUES ($1, $2, $3, $4) "
                    + "ON CONFLICT (topic, partition_no) DO UPDATE SET published_offset = "
                    + "GREATEST(published_offsets.published_offset, EXCLUDED.published_offset), updated_at = EXCLUDED.updated_at",
            "UPDATE published_offsets SET published_offset = @p3, updated_at = @p4 WHERE topic = @p1 AND partition_no = @p2 "
                    + "AND published_offset < @p3; INSERT INTO published_offsets (topic, partition_no, published_offset, "
                    + "updated_at) SELECT @p1, @p2, @p3, @p4 WHERE NOT EXISTS (SELECT 1 FROM published_offsets "
                    + "WHERE topic = @p1 AND partition_no = @p2)",
            bind("published_offsets.topic", String.class), bind("published_offsets.partition_no", Integer.class),
            bind("published_offsets.published_offset", Long.class),
            bind("published_offsets.updated_at", OffsetDateTime.class));
    static final Statement READ = Statement.portable("published_offsets read",
            "SELECT partition_no, published_offset FROM published_offsets WHERE topic = $1",
            bind("published_offsets.topic", String.class));

    public static final List<Statement> STATEMENTS = List.of(MARK, READ);

    private final StoreStatements statements;

    public PublishedOffsets(StoreStatements statements) {
        this.statements = statements;
    }

    /** Raises the marks of these partitions of {@code topic} to these offsets (never lowers one). */
    public Uni<Void> mark(String topic, Map<Integer, Long> highestPublished) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        List<Uni<Void>> marks = new ArrayList<>(highestPublished.size());
        highestPublished.forEach((partition, offset) ->
                marks.add(statements.upsert(MARK, topic, partition, offset, now).replaceWithVoid()));
        return marks.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(marks).andFailFast().replaceWithVoid();
    }

    /** The marks of {@code topic}'s partitions, read inside the capture transaction. */
    public Uni<Map<Integer, Long>> read(SqlConnection conn, String topic) {
        return statements.run(conn, READ, topic).map(rows -> {
            Map<Integer, Long> marks = new HashMap<>();
            for (Row row : rows) {
                marks.put(row.getInteger("partition_no"), row.getLong("published_offset"));
            }
            return marks;
        });
    }
}
