package com.pb.synth.tradecapture.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mssqlclient.MSSQLException;
import io.vertx.pgclient.PgException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TransactionRetryTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Counter deadlocks = registry.counter("deadlocks");
    private final Counter serializations = registry.counter("serializations");
    private final TransactionRetry retry = new TransactionRetry(4, deadlocks, serializations);

    /** A transaction that fails with {@code failure} the first {@code failures} times it runs. */
    private static Uni<String> failing(AtomicInteger runs, int failures, RuntimeException failure) {
        return Uni.createFrom().item(() -> {
            if (runs.incrementAndGet() <= failures) {
                throw failure;
            }
            return "committed";
        });
    }

    @Test
    void victimsAreRunAgainAndCountedByReason() {
        AtomicInteger runs = new AtomicInteger();
        String result = retry.run(() -> failing(runs, 2, new PgException("could not serialize", "ERROR", "40001", null)))
                .await().atMost(Duration.ofSeconds(5));
        assertThat(result).isEqualTo("committed");
        assertThat(runs).hasValue(3);
        assertThat(serializations.count()).isEqualTo(2);

        AtomicInteger again = new AtomicInteger();
        MSSQLException deadlock = new MSSQLException(1205, (byte) 51, (byte) 13, "chosen as the deadlock victim",
                "sqlserver-us", null, 1);
        assertThat(retry.run(() -> failing(again, 1, deadlock)).await().atMost(Duration.ofSeconds(5))).isEqualTo("committed");
        assertThat(deadlocks.count()).isEqualTo(1);
        assertThat(TransactionRetry.reason(new PgException("deadlock detected", "ERROR", "40P01", null)))
                .isEqualTo(TransactionRetry.Reason.DEADLOCK);
    }

    @Test
    void retriesAreBoundedAndOtherFailuresAreNotRetried() {
        AtomicInteger runs = new AtomicInteger();
        PgException deadlock = new PgException("deadlock detected", "ERROR", "40P01", null);
        assertThatThrownBy(() -> retry.run(() -> failing(runs, 100, deadlock)).await().atMost(Duration.ofSeconds(5)))
                .isSameAs(deadlock);
        assertThat(runs).as("attempts are bounded at 4").hasValue(4);

        AtomicInteger once = new AtomicInteger();
        PgException duplicate = new PgException("duplicate key", "ERROR", "23505", null);
        assertThatThrownBy(() -> retry.run(() -> failing(once, 1, duplicate)).await().atMost(Duration.ofSeconds(5)))
                .isSameAs(duplicate);
        assertThat(once).hasValue(1);
        assertThat(TransactionRetry.reason(new CompletionException(new IllegalStateException("x")))).isNull();
    }
}
