package com.pb.synth.tradecapture.health;

import com.pb.synth.tradecapture.metrics.ConsumerAssignment;
import com.pb.synth.tradecapture.store.SchemaVersion;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.health.Startup;

/**
 * Readiness {@code serving}: UP once the instance has started (its schema found at the version this
 * build needs and its consumers in the group, as the startup checks say), and from then on: an
 * instance that has started serves HTTP whatever Kafka, Redis or the database do (those are capture
 * health, {@link CaptureHealth}). Outside Kubernetes, where nothing waits on the startup probe first,
 * this keeps a load balancer from sending requests to an instance still starting.
 */
@Readiness
@ApplicationScoped
public class ServingCheck implements HealthCheck {

    private final SchemaVersion schema;
    private final ConsumerAssignment assignment;

    public ServingCheck(@Startup SchemaVersion schema, @Identifier("capture-rebalance") ConsumerAssignment assignment) {
        this.schema = schema;
        this.assignment = assignment;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("serving").status(schema.reached() && assignment.joined())
                .withData("schemaReached", schema.reached()).withData("consumersJoined", assignment.joined()).build();
    }
}
