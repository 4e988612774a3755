package com.pb.synth.tradecapture.support;

import com.pb.synth.tradecapture.reference.ReferenceData;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every test against the running service needs: the database, the reference data cache,
 * the broker's address, and a service that is ready before the test sends anything.
 */
public abstract class ServiceTestBase {

    @Inject
    protected Pool pool;
    @Inject
    protected ReferenceData reference;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    protected String bootstrap;

    @BeforeEach
    void serviceReady() {
        Fixtures.awaitReady();
    }
}
