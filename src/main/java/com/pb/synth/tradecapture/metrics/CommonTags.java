package com.pb.synth.tradecapture.metrics;

import com.pb.synth.tradecapture.config.InstanceId;
import com.pb.synth.tradecapture.config.CaptureConfig;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * {@code region} and {@code instance} on every meter, the extensions' too (JVM, CPU, the database
 * pool, the Redis client, the Kafka clients), so that a dashboard or alert can select any of them
 * by region and instance.
 */
public class CommonTags {

    @Produces
    @Singleton
    MeterFilter regionAndInstance(CaptureConfig config, InstanceId instance) {
        return MeterFilter.commonTags(Tags.of("region", config.region(), "instance", instance.value()));
    }
}
