package com.pb.synth.tradecapture.ingest;

import com.pb.synth.tradecapture.config.CaptureConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.function.BiFunction;
import org.jboss.logging.Logger;

/**
 * Keeps {@code ingest_jobs} bounded. Once a minute, on every instance (the deletes are idempotent):
 * drops reservations never acknowledged within the reservation timeout (their instance died between
 * reserving and hearing from the broker; the caller never got a 202), and jobs past their retention
 * whose callback is no longer owed. Deletes go in batches so no statement holds many row locks.
 */
@ApplicationScoped
public class IngestJobJanitor {

    private static final Logger LOG = Logger.getLogger(IngestJobJanitor.class);
    private static final int BATCH = 1_000;

    private final IngestJobRepository jobs;
    private final CaptureConfig.Http config;

    public IngestJobJanitor(IngestJobRepository jobs, CaptureConfig config) {
        this.jobs = jobs;
        this.config = config.http();
    }

    /** Once a minute; a clean-up still running skips the next tick. */
    @Scheduled(every = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return clean().onFailure().invoke(f -> LOG.warnf("ingest job clean-up failed: %s", f.toString()))
                .onFailure().recoverWithNull();
    }

    Uni<Void> clean() {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return purge("stale reservations", jobs::purgeReservations, now.minus(config.reservationTimeout()))
                .flatMap(v -> purge("expired jobs", jobs::purgeExpired, now.minus(config.jobRetention())));
    }

    private Uni<Void> purge(String what, BiFunction<OffsetDateTime, Integer, Uni<Integer>> delete,
                            OffsetDateTime before) {
        return delete.apply(before, BATCH).flatMap(n -> {
            if (n > 0) {
                LOG.infof("deleted %d %s", n, what);
            }
            return n < BATCH ? Uni.createFrom().voidItem() : purge(what, delete, before);
        });
    }
}
