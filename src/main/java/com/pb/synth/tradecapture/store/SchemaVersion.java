package com.pb.synth.tradecapture.store;

import com.pb.synth.tradecapture.config.CaptureConfig;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;
import org.jboss.logging.Logger;

/**
 * Started {@code database-schema}: UP once the store's schema is at the version this build needs,
 * as the migrations record it in {@code capture_schema_version} (Flyway-applied or applied by a DBA
 * with sqlcmd/psql alike). Checked every {@code capture.store.retry-interval}; while it is behind,
 * the startup check names the versions to apply and one ERROR line says so whenever what is found
 * changes. A pod whose database it cannot read (a wrong secret, a missing schema) never starts.
 */
@Startup
@ApplicationScoped
public class SchemaVersion implements HealthCheck {

    /** The schema version this build needs: the newest migration's. */
    public static final int REQUIRED = 16;

    static final Statement VERSION = Statement.portable("schema version",
            "SELECT max(version) AS version FROM capture_schema_version");
    public static final List<Statement> STATEMENTS = List.of(VERSION);

    private static final Logger LOG = Logger.getLogger(SchemaVersion.class);

    /** What the last check found: the version (0 when none) or why it could not be read. */
    record Found(int version, String error) {
        boolean ready() {
            return error == null && version >= REQUIRED;
        }
    }

    private final StoreStatements store;
    private final boolean sqlServer;
    private final AtomicReference<Found> found = new AtomicReference<>(new Found(0, "not checked yet"));
    private volatile boolean reached;

    public SchemaVersion(StoreStatements store, CaptureConfig config) {
        this.store = store;
        this.sqlServer = config.store().sqlServer();
    }

    /** A first check at start, so readiness does not wait a whole interval for it. */
    void start(@Observes StartupEvent event) {
        check().subscribe().with(v -> { }, f -> LOG.debugf("first schema check failed: %s", f));
    }

    @Scheduled(every = "${capture.store.retry-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> check() {
        return store.run(VERSION).map(rows -> {
            Integer v = rows.iterator().next().getInteger("version");
            return new Found(v == null ? 0 : v, null);
        }).onFailure().recoverWithItem(f -> new Found(0, "capture_schema_version cannot be read (" + f.getMessage() + ")"))
                .invoke(now -> {
                    Found before = found.getAndSet(now);
                    if (now.ready()) {
                        reached = true;
                    }
                    if (!now.ready() && !now.equals(before)) {
                        LOG.errorf("database schema not ready: %s", describe(now));
                    } else if (now.ready() && !before.ready()) {
                        LOG.infof("database schema at version %d", now.version());
                    }
                }).replaceWithVoid();
    }

    private String describe(Found f) {
        String apply = "apply the migrations " + (f.version() + 1 == REQUIRED ? "V" + REQUIRED
                : "V" + (f.version() + 1) + " to V" + REQUIRED) + " (db/migration/" + (sqlServer ? "mssql" : "postgresql") + ")";
        return f.error() != null ? f.error() + "; the schema is missing or older than V10: " + apply
                : "found version " + f.version() + ", this service needs " + REQUIRED + ": " + apply;
    }

    /** True once the schema has been found at the version this build needs. */
    public boolean reached() {
        return reached;
    }

    @Override
    public HealthCheckResponse call() {
        Found f = found.get();
        var builder = HealthCheckResponse.named("database-schema").status(f.ready()).withData("required", REQUIRED)
                .withData("found", f.version());
        if (!f.ready()) {
            builder.withData("action", describe(f));
        }
        return builder.build();
    }
}
