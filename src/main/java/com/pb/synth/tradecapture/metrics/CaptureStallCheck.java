package com.pb.synth.tradecapture.metrics;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * DOWN while any partition's oldest uncaptured record is older than {@code capture.stall.threshold},
 * naming the partition, its offset and the cause. Held sequence gaps are not stalls.
 */
@Readiness
@ApplicationScoped
public class CaptureStallCheck implements HealthCheck {

    private final CaptureProgress progress;

    public CaptureStallCheck(CaptureProgress progress) {
        this.progress = progress;
    }

    @Override
    public HealthCheckResponse call() {
        List<CaptureProgress.Stall> stalls = progress.stalls();
        var builder = HealthCheckResponse.named("capture-progress").status(stalls.isEmpty())
                .withData("stalledPartitions", stalls.size());
        if (!stalls.isEmpty()) {
            CaptureProgress.Stall oldest = stalls.get(0);
            builder.withData("partition", oldest.partition()).withData("offset", oldest.offset())
                    .withData("ageSeconds", oldest.ageSeconds()).withData("cause", oldest.cause());
        }
        return builder.build();
    }
}
