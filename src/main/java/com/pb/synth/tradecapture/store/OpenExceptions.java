package com.pb.synth.tradecapture.store;

import com.pb.synth.tradecapture.config.CaptureConfig;
import com.pb.synth.tradecapture.config.InstanceId;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The gauge {@code trade_exceptions_open}: exceptions waiting for an operator (status OPEN), counted
 * every {@code capture.monitoring.exceptions-interval} ({@code METRICS_EXCEPTIONS_INTERVAL}, a minute) on the index (status, created_at), so the exceptions alert can see them pile up.
 * Every instance reports the same figure (the alert takes the region's maximum); -1 until first read.
 */
@ApplicationScoped
public class OpenExceptions {

    static final Statement COUNT = Statement.portable("open exceptions",
            "SELECT count(*) AS open_count FROM trade_exceptions WHERE status = 'OPEN'");
    public static final List<Statement> STATEMENTS = List.of(COUNT);

    private static final Logger LOG = Logger.getLogger(OpenExceptions.class);

    private final StoreStatements store;
    private final AtomicLong open = new AtomicLong(-1);

    public OpenExceptions(StoreStatements store, CaptureConfig config, MeterRegistry registry, InstanceId instance) {
        this.store = store;
        Gauge.builder("trade.exceptions.open", open, AtomicLong::get).tag("region", config.region())
                .tag("instance", instance.value()).description("Exceptions waiting for an operator (status OPEN)")
                .register(registry);
    }

    @Scheduled(every = "${capture.monitoring.exceptions-interval}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> count() {
        return store.run(COUNT).invoke(rows -> open.set(rows.iterator().next().getLong("open_count")))
                .onFailure().invoke(f -> LOG.debugf("open exceptions not counted: %s", f.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }
}
