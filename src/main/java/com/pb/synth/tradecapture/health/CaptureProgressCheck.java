package com.pb.synth.tradecapture.health;

import com.pb.synth.tradecapture.metrics.CaptureProgress;
import com.pb.synth.tradecapture.metrics.ConsumerAssignment;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * Capture health {@code capture-progress}: DOWN until this instance's consumers have joined the
 * group, and while any partition's oldest uncaptured record is older than
 * {@code capture.stall.threshold} (naming the partition, its offset and the cause). Held sequence
 * gaps are not stalls.
 */
@HealthGroup(CaptureHealth.GROUP)
@ApplicationScoped
public class CaptureProgressCheck implements HealthCheck {

    private final CaptureProgress progress;
    private final ConsumerAssignment assignment;

    public CaptureProgressCheck(CaptureProgress progress, @Identifier("capture-rebalance") ConsumerAssignment assignment) {
        this.progress = progress;
        this.assignment = assignment;
    }

    @Override
    public HealthCheckResponse call() {
        List<CaptureProgress.Stall> stalls = progress.stalls();
        var builder = HealthCheckResponse.named("capture-progress").status(assignment.joined() && stalls.isEmpty())
                .withData("consumers", assignment.consumersJoined()).withData("partitions", assignment.partitions())
                .withData("stalledPartitions", stalls.size());
        if (!stalls.isEmpty()) {
            CaptureProgress.Stall oldest = stalls.get(0);
            builder.withData("partition", oldest.partition()).withData("offset", oldest.offset())
                    .withData("ageSeconds", oldest.ageSeconds()).withData("cause", oldest.cause());
        }
        return builder.build();
    }
}
