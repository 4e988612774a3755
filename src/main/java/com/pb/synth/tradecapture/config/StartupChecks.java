package com.pb.synth.tradecapture.config;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/** Settings the service cannot honour stop it at start, with what to do instead, rather than being ignored. */
@Singleton
public class StartupChecks {

    void check(@Observes StartupEvent start, CaptureConfig config) {
        requireKafka(config.kafka().enabled());
    }

    static void requireKafka(boolean enabled) {
        if (!enabled) {
            throw new IllegalStateException("KAFKA_ENABLED=false is not supported: this service captures from Kafka "
                    + "and publishes to it. To stop capture on an instance, scale it to zero; to stop HTTP ingest, "
                    + "take it out of the load balancer.");
        }
    }
}
