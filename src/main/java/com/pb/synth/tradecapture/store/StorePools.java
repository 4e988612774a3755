package com.pb.synth.tradecapture.store;

import com.pb.synth.tradecapture.config.CaptureConfig;
import com.pb.synth.tradecapture.config.StoreKind;
import com.pb.synth.tradecapture.config.InstanceId;
import io.vertx.core.net.JksOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.mssqlclient.MSSQLConnectOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.mssqlclient.MSSQLBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import jakarta.enterprise.inject.Default;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * Produces the {@link CaptureStore} pool. PostgreSQL: the Quarkus reactive datasource. SQL Server:
 * a Vert.x reactive SQL Server pool built from {@code capture.store.mssql.*} (the Quarkus SQL
 * Server extensions are not available), while the PostgreSQL datasource is inactive.
 */
public class StorePools {

    private static final Logger LOG = Logger.getLogger(StorePools.class);

    @Produces
    @Singleton
    @CaptureStore
    Pool pool(CaptureConfig config, Instance<Pool> quarkusPools, Vertx vertx, InstanceId instance) {
        if (!config.store().sqlServer()) {
            return quarkusPools.select(Default.Literal.INSTANCE).get();
        }
        String settings = sessionSettings(config.store());
        return MSSQLBuilder.pool().with(new PoolOptions().setMaxSize(config.store().mssql().poolSize())
                        .setName("capture-mssql"))
                .connectingTo(sqlServer(config.store().mssql(), appName(instance.value())))
                .withConnectHandler(conn -> conn.query(settings).execute().onTermination().call(conn::close)
                        .subscribe().with(ok -> { }, f -> LOG.errorf("SQL Server session settings failed: %s", f)))
                .using(vertx).build();
    }

    /** How the service's sessions name themselves to the server (sys.dm_exec_sessions.program_name). */
    public static String appName(String instance) {
        return APP_NAME_PREFIX + instance;
    }

    /** The program name every session of this service starts with. */
    public static final String APP_NAME_PREFIX = "pb-synth-tradecapture ";

    /**
     * What every new session runs before the pool hands it out. Both T-SQL kinds: {@code LOCK_TIMEOUT},
     * so a lock wait ends. Babelfish also: PostgreSQL's {@code idle_in_transaction_session_timeout} for
     * the session (accepted there through {@code set_config}), so the server itself ends a frozen
     * writer's transaction as on the PostgreSQL store — measured: the waiting writer went on ~2 s after
     * a 2 s setting. SQL Server has no such setting; there a frozen writer is found and ended
     * ({@link FrozenWriters}).
     */
    static String sessionSettings(CaptureConfig.Store store) {
        String lockTimeout = "SET LOCK_TIMEOUT " + Math.max(1, store.mssql().lockTimeout().toMillis());
        return store.kind() == StoreKind.BABELFISH
                ? lockTimeout + "; SELECT set_config('idle_in_transaction_session_timeout', '"
                        + Math.max(1, store.idleInTransactionTimeout().toMillis()) + "ms', false)"
                : lockTimeout;
    }

    static MSSQLConnectOptions sqlServer(CaptureConfig.Mssql c, String appName) {
        MSSQLConnectOptions options = new MSSQLConnectOptions().setHost(c.host()).setPort(c.port())
                .setDatabase(c.database()).setUser(c.user()).setPassword(c.password())
                .setSsl(c.encrypt()).setTrustAll(c.trustServerCertificate());
        options.addProperty("appName", appName);
        c.trustStore().ifPresent(path -> {
            String password = c.trustStorePassword().orElse(null);
            if (path.endsWith(".p12") || path.endsWith(".pfx")) {
                options.setPfxTrustOptions(new PfxOptions().setPath(path).setPassword(password));
            } else {
                options.setTrustStoreOptions(new JksOptions().setPath(path).setPassword(password));
            }
        });
        return options;
    }
}
