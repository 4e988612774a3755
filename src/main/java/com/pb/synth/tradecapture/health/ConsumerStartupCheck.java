package com.pb.synth.tradecapture.health;

import com.pb.synth.tradecapture.metrics.ConsumerAssignment;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

/**
 * Started {@code capture-consumer}: UP once every capture consumer of this instance has joined its
 * group (and from then on: a consumer's later rebalances are capture health, not start-up).
 */
@Startup
@ApplicationScoped
public class ConsumerStartupCheck implements HealthCheck {

    private final ConsumerAssignment assignment;

    public ConsumerStartupCheck(@Identifier("capture-rebalance") ConsumerAssignment assignment) {
        this.assignment = assignment;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("capture-consumer").status(assignment.joined())
                .withData("consumers", assignment.consumersJoined()).withData("partitions", assignment.partitions()).build();
    }
}
