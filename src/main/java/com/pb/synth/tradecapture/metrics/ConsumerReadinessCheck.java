package com.pb.synth.tradecapture.metrics;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only once the capture consumers have joined their group. Kafka, Redis and the database have
 * their own readiness checks from their extensions; liveness has no dependency checks, so an
 * outage pauses capture without the platform restarting the pod.
 */
@Readiness
@ApplicationScoped
public class ConsumerReadinessCheck implements HealthCheck {

    private final ConsumerAssignment assignment;

    public ConsumerReadinessCheck(@Identifier("capture-rebalance") ConsumerAssignment assignment) {
        this.assignment = assignment;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("capture-consumer").status(assignment.joined())
                .withData("consumers", assignment.consumersJoined()).withData("partitions", assignment.partitions()).build();
    }
}
