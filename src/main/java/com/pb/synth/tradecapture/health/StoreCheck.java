package com.pb.synth.tradecapture.health;

import com.pb.synth.tradecapture.store.SqlServerStore;
import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * Capture health {@code database} of the SQL Server store: DOWN, naming the server and the last
 * error, until it is migrated and answers. With PostgreSQL the Quarkus datasource check reports
 * instead (moved into the capture group by {@link CaptureHealth}).
 */
@HealthGroup(CaptureHealth.GROUP)
@ApplicationScoped
public class StoreCheck implements HealthCheck {

    private final SqlServerStore store;

    public StoreCheck(SqlServerStore store) {
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
