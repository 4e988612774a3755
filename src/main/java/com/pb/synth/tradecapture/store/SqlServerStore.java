package com.pb.synth.tradecapture.store;

import com.pb.synth.tradecapture.config.CaptureConfig;
import com.pb.synth.tradecapture.config.StoreKind;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

/**
 * The SQL Server store's life: migrates the database with Flyway (T-SQL migrations in
 * {@code db/migration/mssql}) and then keeps checking it answers. Until both hold, the store is
 * not ready: readiness is DOWN naming the server, capture's transactions fail and are retried
 * (no offset is committed), and one error is logged per {@code capture.store.retry-interval}.
 * With PostgreSQL this bean does nothing: Quarkus migrates and checks that datasource.
 */
@ApplicationScoped
public class SqlServerStore {

    private static final Logger LOG = Logger.getLogger(SqlServerStore.class);

    /** What readiness reports. */
    public record Status(boolean ready, String server, String error) {
    }

    private final CaptureConfig.Store config;
    private final Pool pool;
    private final boolean active;
    private final AtomicReference<Status> status;
    private volatile boolean migrated;

    public SqlServerStore(CaptureConfig config, @CaptureStore Pool pool) {
        this.config = config.store();
        this.pool = pool;
        this.active = config.store().sqlServer();
        CaptureConfig.Mssql m = config.store().mssql();
        this.status = new AtomicReference<>(new Status(!active, m.host() + ":" + m.port() + "/" + m.database(),
                active ? "not checked yet" : null));
    }

    public boolean active() {
        return active;
    }

    public Status status() {
        return status.get();
    }

    void start(@Observes StartupEvent event) {
        if (!active) {
            return;
        }
        LOG.infof("store: %s %s (user %s, TLS %s)", config.kind() == StoreKind.BABELFISH ? "Babelfish" : "SQL Server",
                status.get().server(), config.mssql().user(), config.mssql().encrypt() ? "on" : "off");
        if (config.kind() == StoreKind.BABELFISH && config.migrateAtStart()) {
            LOG.warn("store: Flyway cannot migrate Babelfish (its catalogue query fails there); the schema is not "
                    + "migrated at start: apply the T-SQL scripts as a DBA and set DB_MIGRATE_AT_START=false");
        }
    }

    /** Every retry interval while SQL Server is the store: migrate once, then check it answers. */
    @Scheduled(every = "${capture.store.retry-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return active ? check().onFailure().recoverWithNull() : Uni.createFrom().voidItem();
    }

    /** Migrates once (blocking JDBC, on a worker thread), then checks the pool answers. */
    Uni<Void> check() {
        Uni<Void> migrate = migrated || !config.migrateAtStart() || config.kind() == StoreKind.BABELFISH
                ? Uni.createFrom().voidItem()
                : Uni.createFrom().item(() -> {
                    migrate();
                    return (Void) null;
                }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        return migrate.flatMap(v -> pool.query("SELECT 1").execute().replaceWithVoid())
                .invoke(v -> {
                    if (!status.get().ready()) {
                        LOG.infof("SQL Server store %s is ready", status.get().server());
                    }
                    status.set(new Status(true, status.get().server(), null));
                })
                .onFailure().invoke(f -> {
                    String error = f.getMessage() == null ? f.getClass().getSimpleName() : f.getMessage();
                    status.set(new Status(false, status.get().server(), error));
                    LOG.errorf("SQL Server store %s is not available (%s); capture is paused, next try in %s",
                            status.get().server(), error, config.retryInterval());
                });
    }

    private void migrate() {
        CaptureConfig.Mssql m = config.mssql();
        String url = "jdbc:sqlserver://" + m.host() + ":" + m.port() + ";databaseName=" + m.database()
                + ";encrypt=" + m.encrypt() + ";trustServerCertificate=" + m.trustServerCertificate()
                + ";loginTimeout=" + Math.max(1, config.retryInterval().toSeconds())
                + m.trustStore().map(t -> ";trustStore=" + t).orElse("")
                + m.trustStorePassword().map(p -> ";trustStorePassword=" + p).orElse("");
        Flyway.configure().dataSource(url, m.user(), m.password()).locations("classpath:db/migration/mssql")
                .placeholders(Map.of("demoData", "false")).connectRetries(0).load().migrate();
        migrated = true;
    }
}
