package com.pb.synth.tradecapture.store;

import static com.pb.synth.tradecapture.store.Statement.bind;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Builds, in the background, the lot books of positions stored before the books existed: every
 * {@code capture.store.lot-build-interval} it pages through the positions without one, in key
 * order, and builds each ({@link LotKeeper#build}: its own transaction, under the key's row lock,
 * so capture on the key waits for it and a second instance doing the same finds it built). Nothing
 * is copied at start-up and capture never stops; capture builds a key itself when it reaches one
 * first, and position reads replay a key until its book is there. Resumable by nature: a built
 * key has its book and is never picked again. Once a whole pass finds none, the instance stops
 * looking (every key capture creates gets its book with its first trade).
 */
@ApplicationScoped
public class LotBuilder {

    private static final Logger LOG = Logger.getLogger(LotBuilder.class);
    static final int PAGE = 50;

    static final Statement UNBUILT = Statement.of("positions without a lot book",
            "SELECT p.partition_key FROM positions p WHERE p.partition_key > $1 AND p.lot_count IS NULL "
                    + "ORDER BY p.partition_key LIMIT $2",
            "SELECT TOP (@p2) p.partition_key FROM positions p WHERE p.partition_key > @p1 AND p.lot_count IS NULL "
                    + "ORDER BY p.partition_key",
            bind("positions.partition_key", String.class), bind(null, Integer.class));
    public static final List<Statement> STATEMENTS = List.of(UNBUILT);

    private final StoreStatements store;
    private final LotKeeper keeper;
    private final AtomicBoolean done = new AtomicBoolean();
    private final AtomicLong built = new AtomicLong();

    public LotBuilder(StoreStatements store, LotKeeper keeper) {
        this.store = store;
        this.keeper = keeper;
    }

    @Scheduled(every = "${capture.store.lot-build-interval}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        if (done.get()) {
            return Uni.createFrom().voidItem();
        }
        return pass("", 0, 0).invoke(failed -> {
            if (failed == 0) {
                done.set(true);
                if (built.get() > 0) {
                    LOG.infof("every position has its lot book (%d built in the background)", built.get());
                }
            }
        }).onFailure().invoke(f -> LOG.warnf("lot books not built this time: %s", f.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Builds the books of the unbuilt keys after {@code after}, a page at a time; the count of those that failed. */
    private Uni<Integer> pass(String after, int builtSoFar, int failed) {
        return store.run(UNBUILT, after, PAGE).flatMap(rows -> {
            List<String> keys = new ArrayList<>();
            rows.forEach(r -> keys.add(r.getString("partition_key")));
            if (keys.isEmpty()) {
                return Uni.createFrom().item(failed);
            }
            int[] failures = {failed};
            int[] count = {builtSoFar};
            Uni<Void> page = Uni.createFrom().voidItem();
            for (String key : keys) {
                page = page.flatMap(v -> keeper.build(key).invoke(b -> {
                    if (b) {
                        built.incrementAndGet();
                        count[0]++;
                    }
                }).onFailure().recoverWithItem(f -> {
                    LOG.warnf("lot book of %s not built: %s", key, f.getMessage());
                    failures[0]++;
                    return false;
                }).replaceWithVoid());
            }
            return page.flatMap(v -> {
                LOG.infof("built the lot books of %d position(s) so far, up to %s", count[0], keys.get(keys.size() - 1));
                return pass(keys.get(keys.size() - 1), count[0], failures[0]);
            });
        });
    }

    /** One pass over the positions without a lot book, now (as the schedule runs it); how many it built. */
    public Uni<Integer> buildAll() {
        long before = built.get();
        return pass("", 0, 0).map(failed -> (int) (built.get() - before));
    }
}
