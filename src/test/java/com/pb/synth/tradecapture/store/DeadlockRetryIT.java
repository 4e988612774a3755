package com.pb.synth.tradecapture.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.pb.synth.tradecapture.support.Fixtures;
import com.pb.synth.tradecapture.support.RealServers;
import com.pb.synth.tradecapture.support.ServiceTestBase;
import com.pb.synth.tradecapture.support.TradeRequests;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A real deadlock on the real PostgreSQL: two transactions lock two rows in opposite orders; the
 * database aborts one (40P01), {@link TransactionRetry} runs it again, and both commit.
 */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
class DeadlockRetryIT extends ServiceTestBase {

    @Inject
    TransactionRetry retry;
    @Inject
    MeterRegistry registry;

    private double deadlocks() {
        var counter = registry.find("store.transaction.retries").tag("reason", "deadlock").counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aDeadlockVictimIsRunAgainAndBothTransactionsCommit() {
        String table = "deadlock_" + TradeRequests.unique("t").replace('-', '_').toLowerCase();
        Fixtures.query(pool, "CREATE TABLE " + table + " (id INT PRIMARY KEY, v INT NOT NULL)");
        Fixtures.query(pool, "INSERT INTO " + table + " VALUES (1, 0), (2, 0)");
        double before = deadlocks();
        CompletableFuture<Void> firstHolds1 = new CompletableFuture<>();
        CompletableFuture<Void> secondHolds2 = new CompletableFuture<>();
        AtomicInteger runs = new AtomicInteger();

        Uni<Void> first = retry.run(() -> pool.withTransaction(c -> update(c, table, 1)
                .invoke(() -> firstHolds1.complete(null))
                .flatMap(v -> Uni.createFrom().completionStage(secondHolds2))
                .flatMap(v -> update(c, table, 2))
                .invoke(runs::incrementAndGet)));
        Uni<Void> second = retry.run(() -> pool.withTransaction(c -> update(c, table, 2)
                .invoke(() -> secondHolds2.complete(null))
                .flatMap(v -> Uni.createFrom().completionStage(firstHolds1))
                .flatMap(v -> update(c, table, 1))
                .invoke(runs::incrementAndGet)));
        Uni.join().all(first, second).andFailFast().await().atMost(Duration.ofSeconds(30));

        assertThat(runs).as("both transactions committed").hasValue(2);
        assertThat(deadlocks() - before).as("one of them was the victim and ran again").isEqualTo(1.0);
        assertThat(Fixtures.count(pool, "SELECT sum(v) FROM " + table)).as("each row updated by both").isEqualTo(4);
        Fixtures.query(pool, "DROP TABLE " + table);
    }

    private static Uni<Void> update(SqlConnection c, String table, int id) {
        return c.preparedQuery("UPDATE " + table + " SET v = v + 1 WHERE id = $1").execute(Tuple.of(id)).replaceWithVoid();
    }
}
