package com.pb.synth.tradecapture.config;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StartupChecksTest {

    @Test
    void kafkaSwitchedOffStopsTheServiceNamingTheSetting() {
        assertThatThrownBy(() -> StartupChecks.requireKafka(false)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("KAFKA_ENABLED=false is not supported");
        assertThatCode(() -> StartupChecks.requireKafka(true)).doesNotThrowAnyException();
    }
}
