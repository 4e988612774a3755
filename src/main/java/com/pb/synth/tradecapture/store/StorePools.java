package com.pb.synth.tradecapture.store;

import com.pb.synth.tradecapture.config.CaptureConfig;
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

/**
 * Produces the {@link CaptureStore} pool. PostgreSQL: the Quarkus reactive datasource. SQL Server:
 * a Vert.x reactive SQL Server pool built from {@code capture.store.mssql.*} (the Quarkus SQL
 * Server extensions are not available), while the PostgreSQL datasource is inactive.
 */
public class StorePools {

    @Produces
    @Singleton
    @CaptureStore
    Pool pool(CaptureConfig config, Instance<Pool> quarkusPools, Vertx vertx) {
        if (!config.store().sqlServer()) {
            return quarkusPools.select(Default.Literal.INSTANCE).get();
        }
        return MSSQLBuilder.pool().with(new PoolOptions().setMaxSize(config.store().mssql().poolSize())
                        .setName("capture-mssql")).connectingTo(sqlServer(config.store().mssql())).using(vertx).build();
    }

    static MSSQLConnectOptions sqlServer(CaptureConfig.Mssql c) {
        MSSQLConnectOptions options = new MSSQLConnectOptions().setHost(c.host()).setPort(c.port())
                .setDatabase(c.database()).setUser(c.user()).setPassword(c.password())
                .setSsl(c.encrypt()).setTrustAll(c.trustServerCertificate());
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
