package com.pb.synth.tradecapture.store;

import com.pb.synth.tradecapture.config.CaptureConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The capture store's connection pool as the replaced service's health answer showed it (Hikari's
 * figures): connections in use, connections open, and the most the pool opens.
 */
@Singleton
public class PoolStatus {

    /** {@code active}: in use now; {@code total}: open now; {@code maximumPoolSize}: {@code DB_POOL_SIZE}. */
    public record Snapshot(int active, int total, int maximumPoolSize) {
    }

    private final Pool pool;
    private final MeterRegistry registry;
    private final int maximum;

    public PoolStatus(@CaptureStore Pool pool, MeterRegistry registry, CaptureConfig config,
                      @ConfigProperty(name = "quarkus.datasource.reactive.max-size") int postgresMaximum) {
        this.pool = pool;
        this.registry = registry;
        this.maximum = config.store().sqlServer() ? config.store().mssql().poolSize() : postgresMaximum;
    }

    public Snapshot now() {
        // in use: the Vert.x pool meters (sql.pool.active); the inactive datasource's pool adds 0
        double active = 0;
        for (Gauge g : registry.find("sql.pool.active").gauges()) {
            active += Math.max(0, g.value());
        }
        int total = pool.size();
        return new Snapshot((int) Math.min(active, total), total, maximum);
    }
}
