package com.pb.synth.tradecapture.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.pb.synth.tradecapture.capture.CaptureItem;
import com.pb.synth.tradecapture.capture.CaptureTransaction;
import com.pb.synth.tradecapture.capture.ConcurrentCaptureException;
import com.pb.synth.tradecapture.capture.IncomingTrade;
import com.pb.synth.tradecapture.capture.TradeRequestMapper;
import com.pb.synth.tradecapture.domain.Position;
import com.pb.synth.tradecapture.domain.SwapBlotterFactory;
import com.pb.synth.tradecapture.domain.Trade;
import com.pb.synth.tradecapture.support.Fixtures;
import com.pb.synth.tradecapture.support.RealServers;
import com.pb.synth.tradecapture.support.ServiceTestBase;
import com.pb.synth.tradecapture.support.TradeRequests;
import com.pb.synth.tradecapture.support.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(RealServers.class)
class PartitionLockIT extends ServiceTestBase {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    Redis redis;
    @Inject
    PartitionLock lock;
    @Inject
    CaptureTransaction transaction;
    @Inject
    TradeRequestMapper mapper;
    @Inject
    MeterRegistry meters;

    @Test
    void aKeyLockedByAnotherWriterIsNotAppliedUntilReleased() {
        String account = Fixtures.accounts(pool, reference, "LOCK", 1).get(0);
        TradeRequests.Builder trade = TradeRequests.trade(TradeRequests.unique("LOCK")).key(account, "BOOK-05", "US0378331005");
        String key = trade.key();
        // Another instance holds this key's lock.
        redis.send(Request.cmd(Command.SET).arg(PartitionLock.lockKey(key)).arg("other-instance").arg("PX").arg(60_000))
                .await().atMost(WAIT);
        double contended = contention();

        Topics.send(bootstrap, Topics.inputs(List.of(trade)));
        await().atMost(WAIT).until(() -> contention() > contended);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                .until(() -> Fixtures.position(pool, key).isEmpty());

        redis.send(Request.cmd(Command.DEL).arg(PartitionLock.lockKey(key))).await().atMost(WAIT);
        await().atMost(WAIT).until(() -> Fixtures.position(pool, key).isPresent());
        assertThat(Fixtures.position(pool, key).orElseThrow().quantity()).isEqualByComparingTo(trade.signedQuantity());
    }

    @Test
    void workUnderLocksReleasesThemHoweverItEndsEvenByThrowingBeforeItsFirstStep() {
        String key = "ACC-WITHLOCKS_BOOK-01_" + TradeRequests.unique("S");
        java.util.concurrent.atomic.AtomicLong released = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicReference<LockLease> held = new java.util.concurrent.atomic.AtomicReference<>();
        assertThatThrownBy(() -> lock.<Integer>withLocks(List.of(key), () -> false, lease -> {
            held.set(lease);
            throw new IllegalStateException("thrown before any Uni");
        }, released::set).await().atMost(WAIT)).hasMessageContaining("thrown before any Uni");
        assertThat(held.get().fencingTokens()).containsKey(key);
        assertThat(redis.send(Request.cmd(Command.GET).arg(PartitionLock.lockKey(key))).await().atMost(WAIT)).isNull();
        assertThat(released.get()).isPositive();

        Integer answer = lock.withLocks(List.of(key), () -> false, lease -> io.smallrye.mutiny.Uni.createFrom().item(42),
                start -> { }).await().atMost(WAIT);
        assertThat(answer).isEqualTo(42);
        assertThat(redis.send(Request.cmd(Command.GET).arg(PartitionLock.lockKey(key))).await().atMost(WAIT)).isNull();
    }

    @Test
    void aWriterWhoseLockExpiredIsRefusedByTheFence() {
        String account = Fixtures.accounts(pool, reference, "FENCE", 1).get(0);
        TradeRequests.Builder stale = TradeRequests.trade(TradeRequests.unique("FENCE-A"))
                .key(account, "BOOK-06", "US0378331005").quantity("111");
        TradeRequests.Builder fresh = TradeRequests.trade(TradeRequests.unique("FENCE-B"))
                .key(account, "BOOK-06", "US0378331005").quantity("222");
        String key = stale.key();

        LockLease first = lock.acquireAll(List.of(key)).await().atMost(WAIT);
        // The first writer stalls past its TTL: the lock expires and a second writer takes the key.
        redis.send(Request.cmd(Command.DEL).arg(PartitionLock.lockKey(key))).await().atMost(WAIT);
        LockLease second = lock.acquireAll(List.of(key)).await().atMost(WAIT);
        assertThat(second.fence(key)).isGreaterThan(first.fence(key));

        transaction.apply(List.of(item(fresh, 2)), second, System.nanoTime(), i -> false).await().atMost(WAIT);
        lock.release(second).await().atMost(WAIT);

        // The first writer wakes up and tries to write with its old fencing token.
        assertThatThrownBy(() -> transaction.apply(List.of(item(stale, 1)), first, System.nanoTime(), i -> false)
                .await().atMost(WAIT)).isInstanceOf(ConcurrentCaptureException.class);

        Position position = Fixtures.position(pool, key).orElseThrow();
        assertThat(position.quantity()).isEqualByComparingTo("222");
        assertThat(position.fencingToken()).isEqualTo(second.fence(key));
        assertThat(Fixtures.count(pool, "SELECT count(*) FROM trade_versions WHERE trade_id = $1", stale.tradeId()))
                .isZero();
    }

    @Test
    void afterRedisLosesItsFenceCountersCaptureResumesAtOnceAndAStaleWriterIsStillRefused() {
        String account = Fixtures.accounts(pool, reference, "FLOSS", 1).get(0);
        TradeRequests.Builder before = TradeRequests.trade(TradeRequests.unique("FLOSS-1")).key(account, "BOOK-08", "US0378331005");
        TradeRequests.Builder after = TradeRequests.trade(TradeRequests.unique("FLOSS-2")).key(account, "BOOK-08", "US0378331005")
                .quantity("7");
        TradeRequests.Builder stale = TradeRequests.trade(TradeRequests.unique("FLOSS-3")).key(account, "BOOK-08", "US0378331005")
                .quantity("999");
        String key = before.key();
        // A key with a long history: its stored token is in the thousands.
        redis.send(Request.cmd(Command.SET).arg(PartitionLock.fenceKey(key)).arg("5000")).await().atMost(WAIT);
        Topics.send(bootstrap, Topics.inputs(List.of(before)));
        await().atMost(WAIT).until(() -> Fixtures.position(pool, key).isPresent());
        long storedBefore = Fixtures.position(pool, key).orElseThrow().fencingToken();
        assertThat(storedBefore).isGreaterThan(5000);
        // A writer takes its token, then stalls; meanwhile Redis loses everything (no persistence).
        LockLease stalled = lock.acquireAll(List.of(key)).await().atMost(WAIT);
        redis.send(Request.cmd(Command.FLUSHALL)).await().atMost(WAIT);

        // Capture goes on within seconds, not after one refused attempt per lost token.
        Topics.send(bootstrap, Topics.inputs(List.of(after)));
        await().atMost(Duration.ofSeconds(20)).until(() -> Fixtures.count(pool,
                "SELECT count(*) FROM trade_versions WHERE trade_id = $1", after.tradeId()) == 1);
        Position now = Fixtures.position(pool, key).orElseThrow();
        assertThat(now.quantity()).isEqualByComparingTo(before.signedQuantity().add(after.signedQuantity()));
        assertThat(now.fencingToken()).isGreaterThan(stalled.fence(key));

        // The stalled writer wakes up: its token is older than the stored one, and it is refused.
        assertThatThrownBy(() -> transaction.apply(List.of(item(stale, 3)), stalled, System.nanoTime(), i -> false)
                .await().atMost(WAIT)).isInstanceOf(ConcurrentCaptureException.class);
        assertThat(Fixtures.count(pool, "SELECT count(*) FROM trade_versions WHERE trade_id = $1", stale.tradeId()))
                .isZero();
        assertThat(Fixtures.position(pool, key).orElseThrow().quantity()).isEqualByComparingTo(now.quantity());
    }

    private CaptureItem item(TradeRequests.Builder request, long offset) {
        byte[] payload = request.json().getBytes(StandardCharsets.UTF_8);
        Trade trade = mapper.map(payload, request.key()).trade();
        var ref = reference.current().await().atMost(WAIT);
        return new CaptureItem(new IncomingTrade("direct", 0, offset, System.currentTimeMillis(), request.key(), payload),
                trade, SwapBlotterFactory.form(trade, ref.securities().get(trade.key().securityId()),
                        ref.accounts().get(trade.key().accountId()), ref.books().get(trade.key().bookId())), null);
    }

    private double contention() {
        return meters.find("partition.lock.contention").counters().stream().mapToDouble(c -> c.count()).sum();
    }
}
