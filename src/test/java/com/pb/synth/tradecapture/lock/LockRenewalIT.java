package com.pb.synth.tradecapture.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.pb.synth.tradecapture.support.Fixtures;
import com.pb.synth.tradecapture.support.RealServers;
import com.pb.synth.tradecapture.support.ServiceTestBase;
import com.pb.synth.tradecapture.support.TradeRequests;
import com.pb.synth.tradecapture.support.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A batch renews its partition locks while it runs: one held up in the database for several lock
 * TTLs keeps its lock (same token throughout), then captures and releases it. The TTL therefore
 * only bounds how long a dead owner's keys stay locked.
 */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
class LockRenewalIT extends ServiceTestBase {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    Redis redis;
    @ConfigProperty(name = "capture.lock.ttl")
    Duration ttl;

    private String lockValue(String key) {
        Response r = redis.send(Request.cmd(Command.GET).arg(PartitionLock.lockKey(key))).await().atMost(WAIT);
        return r == null ? null : r.toString();
    }

    @Test
    void aBatchSlowerThanTheLockTtlKeepsItsLockUntilItEnds() {
        String account = Fixtures.accounts(pool, reference, "RENEW", 1).get(0);
        TradeRequests.Builder first = TradeRequests.trade(TradeRequests.unique("RENEW-1")).key(account, "BOOK-07", "US0378331005");
        TradeRequests.Builder second = TradeRequests.trade(TradeRequests.unique("RENEW-2")).key(account, "BOOK-07", "US0378331005");
        String key = first.key();
        Topics.send(bootstrap, Topics.inputs(List.of(first)));
        await().atMost(WAIT).until(() -> Fixtures.position(pool, key).isPresent());

        // Hold the key's position row: the next batch takes its Redis lock, then waits in the database.
        SqlConnection blocker = pool.getConnection().await().atMost(WAIT);
        // this test's own blocker may stay idle in its transaction (the service's writers may not)
        blocker.query("SET idle_in_transaction_session_timeout = 0").execute().await().atMost(WAIT);
        Transaction tx = blocker.begin().await().atMost(WAIT);
        try {
            blocker.preparedQuery("SELECT quantity FROM positions WHERE partition_key = $1 FOR UPDATE")
                    .execute(Tuple.of(key)).await().atMost(WAIT);
            Topics.send(bootstrap, Topics.inputs(List.of(second)));
            await().atMost(WAIT).until(() -> lockValue(key) != null);
            String token = lockValue(key);
            // Three TTLs later the lock is still the batch's own: it was renewed, never re-taken.
            await().during(ttl.multipliedBy(3)).atMost(ttl.multipliedBy(4)).until(() -> token.equals(lockValue(key)));
            assertThat(Fixtures.count(pool, "SELECT count(*) FROM trade_versions WHERE trade_id = $1", second.tradeId()))
                    .isZero();
        } finally {
            tx.rollback().await().atMost(WAIT);
            blocker.query("RESET idle_in_transaction_session_timeout").execute().await().atMost(WAIT);
            blocker.close().await().atMost(WAIT);
        }
        await().atMost(WAIT).until(() -> Fixtures.count(pool,
                "SELECT count(*) FROM trade_versions WHERE trade_id = $1", second.tradeId()) == 1);
        await().atMost(WAIT).until(() -> lockValue(key) == null);
        assertThat(Fixtures.position(pool, key).orElseThrow().quantity())
                .isEqualByComparingTo(first.signedQuantity().add(second.signedQuantity()));
    }
}
