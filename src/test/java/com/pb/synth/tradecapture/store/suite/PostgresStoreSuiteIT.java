package com.pb.synth.tradecapture.store.suite;

import static org.assertj.core.api.Assertions.assertThat;

import com.pb.synth.tradecapture.support.RealServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The store suite on PostgreSQL (the local stack's store kind). */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
class PostgresStoreSuiteIT extends StoreSuite {

    @ConfigProperty(name = "quarkus.datasource.reactive.max-size")
    int maxSize;

    @Override
    protected Uni<Void> assertSessionClean(SqlConnection c) {
        return Uni.createFrom().item(() -> {
            assertThat(one(c, "SELECT current_setting('transaction_isolation')").getString(0)).isEqualTo("read committed");
            assertThat(one(c, "SELECT current_setting('default_transaction_read_only')").getString(0)).isEqualTo("off");
            return null;
        });
    }

    @Override
    protected long lockWaits(SqlConnection c) {
        return one(c, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'").getLong(0);
    }

    @Override
    protected int poolSize() {
        return maxSize;
    }
}
