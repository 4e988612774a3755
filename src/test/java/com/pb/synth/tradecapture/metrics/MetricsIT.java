package com.pb.synth.tradecapture.metrics;

import com.pb.synth.tradecapture.config.InstanceId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.pb.synth.tradecapture.support.CapturedEvents;
import com.pb.synth.tradecapture.support.Fixtures;
import com.pb.synth.tradecapture.support.RealServers;
import com.pb.synth.tradecapture.support.ServiceTestBase;
import com.pb.synth.tradecapture.support.Topics;
import com.pb.synth.tradecapture.support.TradeRequests;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/** The meters of the source document move by exactly what was captured, tagged with region and instance. */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
class MetricsIT extends ServiceTestBase {

    private static final String PROCESSED = "trades_processed_total";

    @Inject
    InstanceId instance;

    private Map<String, String> tags(String outcome) {
        return Map.of("region", "us", "instance", instance.value(), "outcome", outcome);
    }

    @Test
    void theOpenExceptionsGaugeCountsTheQueueAndTheHeldLimitIsExported() {
        String account = Fixtures.accounts(pool, reference, "OPENEX", 1).get(0);
        TradeRequests.Builder t = TradeRequests.trade(TradeRequests.unique("OPENEX")).key(account, "BOOK-01", "US0378331005");
        long before = Fixtures.count(pool, "SELECT count(*) FROM trade_exceptions WHERE status = 'OPEN'");
        // one record that can never be captured: an OPEN exception
        Topics.send(bootstrap, List.of(Topics.record(RealServers.IN, t.key(), "not json {")));
        await().atMost(Duration.ofSeconds(30)).until(() ->
                Fixtures.count(pool, "SELECT count(*) FROM trade_exceptions WHERE status = 'OPEN'") > before);
        Map<String, String> labels = Map.of("region", "us", "instance", instance.value());
        // the gauge follows the table (counted every second under test)
        await().atMost(Duration.ofSeconds(30)).until(() -> Fixtures.meter("trade_exceptions_open", labels)
                == Fixtures.count(pool, "SELECT count(*) FROM trade_exceptions WHERE status = 'OPEN'"));
        assertThat(Fixtures.meter("trade_exceptions_open", labels)).isGreaterThan(before);
        assertThat(Fixtures.meter("capture_held_records_limit", labels)).isEqualTo(
                ConfigProvider.getConfig().getValue("capture.sequence.max-held", Integer.class).doubleValue());
    }

    @Test
    void eachOutcomesCounterMovesByExactlyWhatWasCapturedDuplicatedOrRejected() {
        String account = Fixtures.accounts(pool, reference, "METRICS", 1).get(0);
        String run = TradeRequests.unique("MET");
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<ProducerRecord<String, byte[]>> captured = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            TradeRequests.Builder t = TradeRequests.trade(run + "-" + i).key(account, "BOOK-0" + (1 + i % 3), "US0378331005");
            keys.add(t.key());
            captured.add(Topics.record(RealServers.IN, t.key(), t.json()));
        }
        records.addAll(captured);
        // three records sent again as they were: DUPLICATE
        records.addAll(captured.subList(0, 3));
        // two that can never be captured: REJECTED (set aside with a reason)
        String key = keys.get(0);
        records.add(Topics.record(RealServers.IN, key, TradeRequests.trade(run + "-neg").key(account, "BOOK-01",
                "US0378331005").quantity("-5").json()));
        records.add(Topics.record(RealServers.IN, key, "not json {"));

        double capturedBefore = Fixtures.meter(PROCESSED, tags("captured"));
        double duplicateBefore = Fixtures.meter(PROCESSED, tags("duplicate"));
        double rejectedBefore = Fixtures.meter(PROCESSED, tags("rejected"));
        Map<String, String> invalid = Map.of("region", "us", "instance", instance.value(), "reason", "INVALID_VALUE");
        Map<String, String> notJson = Map.of("region", "us", "instance", instance.value(), "reason", "NOT_JSON");
        double invalidBefore = Fixtures.meter("trades_rejected_total", invalid);
        double notJsonBefore = Fixtures.meter("trades_rejected_total", notJson);
        double consumedBefore = Fixtures.meter("kafka_consumer_records_consumed_total",
                Map.of("region", "us", "instance", instance.value()));
        try (CapturedEvents events = new CapturedEvents(bootstrap, keys)) {
            Topics.send(bootstrap, records);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                events.poll();
                return events.count("CAPTURED") == 7 && events.count("DUPLICATE") == 3;
            });
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Fixtures.meter(PROCESSED, tags("rejected")) - rejectedBefore >= 2);
        assertThat(Fixtures.meter(PROCESSED, tags("captured")) - capturedBefore).isEqualTo(7);
        assertThat(Fixtures.meter(PROCESSED, tags("duplicate")) - duplicateBefore).isEqualTo(3);
        assertThat(Fixtures.meter(PROCESSED, tags("rejected")) - rejectedBefore).isEqualTo(2);
        assertThat(Fixtures.meter("trades_rejected_total", invalid) - invalidBefore).isEqualTo(1);
        assertThat(Fixtures.meter("trades_rejected_total", notJson) - notJsonBefore).isEqualTo(1);
        assertThat(Fixtures.meter("kafka_consumer_records_consumed_total",
                Map.of("region", "us", "instance", instance.value())) - consumedBefore).isGreaterThanOrEqualTo(12);
    }

    @Test
    void theLatencyHistogramHasTheSloBucketsAndTheRegionItsBusinessHoursGauge() {
        String scrape = Fixtures.management().get("/q/metrics").asString();
        // health and metrics live on the management port only
        for (String path : List.of("/q/metrics", "/q/health/ready", "/q/health/live", "/q/health/started",
                "/q/health/group/capture", "/q/openapi")) {
            io.restassured.RestAssured.get(path).then().statusCode(404);
        }
        for (String le : List.of("0.1", "0.5", "1.0")) {
            assertThat(scrape).containsPattern("trades_capture_latency_seconds_bucket\\{[^}]*le=\"" + le.replace(".", "\\.")
                    + "\"");
        }
        assertThat(scrape).containsPattern("region_business_hours\\{[^}]*timezone=\"America/New_York\"[^}]*\\} [01]\\.0");
        assertThat(scrape).containsPattern("kafka_partition_assignment\\{[^}]*region=\"us\"[^}]*\\} \\d+\\.0");
        // the extensions' meters carry region and instance too: database pool, Redis client, CPU, memory
        for (String meter : List.of("postgresql_current", "postgresql_queue_size", "redis_active_connections",
                "process_cpu_usage", "jvm_memory_used_bytes")) {
            assertThat(scrape).containsPattern("(?m)^" + meter + "\\{[^}]*instance=\"" + instance.value()
                    + "\"[^}]*region=\"us\"");
        }
        assertThat(scrape).contains("partitions_active{", "partition_lock_acquisition_time_seconds", "partition_lock_contention_total",
                "process_cpu_usage", "jvm_memory_used_bytes");
    }
}
