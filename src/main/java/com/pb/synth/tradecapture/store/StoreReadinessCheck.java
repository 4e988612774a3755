package com.pb.synth.tradecapture.store;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Readiness of the SQL Server store ({@code database}): DOWN, naming the server and the last error,
 * until it is migrated and answers. With PostgreSQL the Quarkus datasource check reports instead.
 */
@Readiness
@ApplicationScoped
public class StoreReadinessCheck implements HealthCheck {

    private final SqlServerStore store;

    public StoreReadinessCheck(SqlServerStore store) {
        this.store = store;
    }

    @Override
    public HealthCheckResponse call() {
        if (!store.active()) {
            return HealthCheckResponse.named("database").up().withData("kind", "postgresql").build();
        }
        SqlServerStore.Status s = store.status();
        var builder = HealthCheckResponse.named("database").status(s.ready()).withData("kind", "mssql")
                .withData("server", s.server());
        if (s.error() != null) {
            builder.withData("error", s.error());
        }
        return builder.build();
    }
}
