package com.pb.synth.tradecapture.store.suite;

import static org.assertj.core.api.Assertions.assertThat;

import com.pb.synth.tradecapture.support.RealServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The store suite on a real SQL Server or Babelfish, given by {@code MSSQL_TEST_URL},
 * {@code MSSQL_TEST_USER} and {@code MSSQL_TEST_PASSWORD} ({@code ./mvnw verify -Pmssql}); it creates
 * and drops its own database ({@link SqlServerTarget}). Without those settings it is skipped, saying so
 * in one line.
 */
@QuarkusTest
@TestProfile(SqlServerStoreSuiteIT.SqlServerStore.class)
@ExtendWith(SqlServerTarget.Required.class)
@QuarkusTestResource(RealServers.class)
@QuarkusTestResource(value = SqlServerTarget.class, restrictToAnnotatedClass = true)
class SqlServerStoreSuiteIT extends StoreSuite {

    /**
     * The SQL Server store from boot: the PostgreSQL datasource is inactive in this profile, so no
     * bean can inject its pool (switching it off only at run time fails Quarkus at boot).
     */
    public static class SqlServerStore implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("capture.store.kind", SqlServerTarget.kind(), "quarkus.datasource.active", "false");
        }
    }

    /** READ COMMITTED in sys.dm_exec_sessions.transaction_isolation_level. */
    private static final int READ_COMMITTED = 2;
    /** The NOCOUNT bit of @@OPTIONS. */
    private static final int NOCOUNT = 512;

    @ConfigProperty(name = "capture.store.mssql.pool-size")
    int poolSize;

    @Override
    protected Uni<Void> assertSessionClean(SqlConnection c) {
        return Uni.createFrom().item(() -> {
            Row s = one(c, "SELECT transaction_isolation_level, @@OPTIONS AS options FROM sys.dm_exec_sessions "
                    + "WHERE session_id = @@SPID");
            assertThat(s.getInteger("transaction_isolation_level")).as("isolation level").isEqualTo(READ_COMMITTED);
            assertThat(s.getInteger("options") & NOCOUNT).as("NOCOUNT").isZero();
            return null;
        });
    }

    /** SQL Server: requests blocked by another session; Babelfish: its PostgreSQL sessions waiting on a lock. */
    @Override
    protected long lockWaits(SqlConnection c) {
        return one(c, SqlServerTarget.babelfish()
                ? "SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE wait_event_type = 'Lock'"
                : "SELECT count(*) FROM sys.dm_exec_requests WHERE blocking_session_id <> 0").getLong(0);
    }

    @Override
    protected int poolSize() {
        return poolSize;
    }
}
