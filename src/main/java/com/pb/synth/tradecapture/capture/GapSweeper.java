package com.pb.synth.tradecapture.capture;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Sends held trades whose gap timeout has passed to exceptions (and releases what follows them),
 * for keys that see no new trade to do it. Runs alone: a sweep still retrying skips the next ticks.
 */
@ApplicationScoped
public class GapSweeper {

    private final CapturePipeline pipeline;

    public GapSweeper(CapturePipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Scheduled(every = "${capture.sequence.sweep-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return pipeline.sweepHeld();
    }
}
