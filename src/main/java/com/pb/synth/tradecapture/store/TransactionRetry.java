package com.pb.synth.tradecapture.store;

import com.pb.synth.tradecapture.config.CaptureConfig;
import com.pb.synth.tradecapture.config.InstanceId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Runs a whole transaction again when the database chose it as a victim: a deadlock (SQL Server
 * 1205, PostgreSQL 40P01) or a serialization failure (PostgreSQL 40001, SQL Server 3960: a snapshot
 * update conflict; Babelfish's 33557097 wrapping of 40001). Bounded: after
 * {@code capture.store.transaction-retries} attempts the failure goes to the caller (capture's own
 * backoff then takes over). Each retry is counted in {@code store.transaction.retries} by reason.
 */
@Singleton
public class TransactionRetry {

    private static final Logger LOG = Logger.getLogger(TransactionRetry.class);

    /** Why a transaction may be run again, or null when it may not. */
    public enum Reason { DEADLOCK, SERIALIZATION }

    private final int attempts;
    private final Counter deadlocks;
    private final Counter serializations;

    @Inject
    public TransactionRetry(CaptureConfig config, MeterRegistry registry, InstanceId instance) {
        this(config.store().transactionRetries(), counter(registry, config, instance, Reason.DEADLOCK),
                counter(registry, config, instance, Reason.SERIALIZATION));
    }

    TransactionRetry(int attempts, Counter deadlocks, Counter serializations) {
        this.attempts = attempts;
        this.deadlocks = deadlocks;
        this.serializations = serializations;
    }

    private static Counter counter(MeterRegistry registry, CaptureConfig config, InstanceId instance, Reason reason) {
        return Counter.builder("store.transaction.retries").tag("region", config.region())
                .tag("instance", instance.value()).tag("reason", reason.name().toLowerCase())
                .description("Transactions run again after the database chose them as a deadlock or serialization victim")
                .register(registry);
    }

    /** The transaction, run again (after a short jittered pause) while it fails as a victim, up to the bound. */
    public <T> Uni<T> run(Supplier<Uni<T>> transaction) {
        return attempt(transaction, 1);
    }

    private <T> Uni<T> attempt(Supplier<Uni<T>> transaction, int attempt) {
        return Uni.createFrom().<T>deferred(transaction::get).onFailure(f -> attempt < attempts && reason(f) != null)
                .recoverWithUni(f -> {
                    Reason reason = reason(f);
                    (reason == Reason.DEADLOCK ? deadlocks : serializations).increment();
                    LOG.debugf("transaction was a %s victim (attempt %d of %d), running it again", reason, attempt,
                            attempts);
                    Duration pause = Duration.ofMillis(ThreadLocalRandom.current().nextLong(1, 5L * attempt + 2));
                    return Uni.createFrom().voidItem().onItem().delayIt().by(pause)
                            .flatMap(v -> attempt(transaction, attempt + 1));
                });
    }

    /** DEADLOCK or SERIALIZATION when the failure is one, else null ({@link StoreErrors}). */
    public static Reason reason(Throwable f) {
        return StoreErrors.deadlock(f) ? Reason.DEADLOCK : StoreErrors.serialization(f) ? Reason.SERIALIZATION : null;
    }
}
