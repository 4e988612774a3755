package com.pb.synth.tradecapture.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pb.synth.tradecapture.security.Roles;
import com.pb.synth.tradecapture.support.Fixtures;
import com.pb.synth.tradecapture.support.RealServers;
import com.pb.synth.tradecapture.support.ServiceTestBase;
import com.pb.synth.tradecapture.support.Tokens;
import com.pb.synth.tradecapture.support.Topics;
import com.pb.synth.tradecapture.support.TradeRequests;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * JSON logs with the record's fields, and the correlation id from the HTTP request through the
 * input record to the captured event and the log line about the record.
 */
@QuarkusTest
@TestProfile(JsonLogsIT.JsonFileLog.class)
@QuarkusTestResource(RealServers.class)
class JsonLogsIT extends ServiceTestBase {

    static final Path LOG = Path.of("target", "json-logs-it", "service.log");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WRITER = Tokens.mint("ops-user", Roles.WRITE, Roles.READ);

    public static class JsonFileLog implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.log.file.enabled", "true", "quarkus.log.file.path", LOG.toString(),
                    "quarkus.log.file.json.enabled", "true", "quarkus.log.file.level", "INFO");
        }
    }

    @Test
    void theCallersCorrelationIdReachesTheInputRecordTheCapturedEventAndTheResponse() throws Exception {
        String account = Fixtures.accounts(pool, reference, "CORR", 1).get(0);
        TradeRequests.Builder trade = TradeRequests.trade(TradeRequests.unique("CORR")).key(account, "BOOK-02", "US0378331005")
                .quantity("987654.321");
        String correlation = "corr-" + System.nanoTime();
        Response r = given().contentType("application/json").header("Authorization", "Bearer " + WRITER)
                .header("X-Correlation-Id", correlation).body(trade.json()).post("/api/v1/trades/capture");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(202);
        assertThat(r.header("X-Correlation-Id")).isEqualTo(correlation);

        assertThat(header(RealServers.IN, trade.key(), trade.tradeId())).isEqualTo(correlation);
        assertThat(header(RealServers.CAPTURED, trade.key(), trade.tradeId())).isEqualTo(correlation);

        // an unusable id is replaced, and the request still gets one back
        Response other = given().contentType("application/json").header("Authorization", "Bearer " + WRITER)
                .header("X-Correlation-Id", "not usable; " + "x".repeat(200))
                .body(TradeRequests.trade(TradeRequests.unique("CORR")).key(account, "BOOK-02", "US0378331005").json())
                .post("/api/v1/trades/capture");
        assertThat(other.header("X-Correlation-Id")).matches("[0-9a-f-]{36}");

        // no trade economics in the log at INFO and above
        assertThat(Files.readString(LOG)).doesNotContain("987654");
    }

    @Test
    void aLogLineAboutARecordCarriesItsFieldsAsJson() throws Exception {
        String account = Fixtures.accounts(pool, reference, "JLOG", 1).get(0);
        String key = TradeRequests.trade("x").key(account, "BOOK-03", "US0378331005").key();
        ProducerRecord<String, byte[]> bad = Topics.record(RealServers.IN, key, "this is {not json");
        bad.headers().add("correlationId", "corr-bad-record".getBytes(StandardCharsets.UTF_8));
        var landed = Topics.send(bootstrap, List.of(bad)).get(0);

        AtomicReference<JsonNode> line = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (JsonNode l : lines()) {
                JsonNode mdc = l.path("mdc");
                if ("corr-bad-record".equals(mdc.path("correlationId").asText())) {
                    line.set(l);
                    return true;
                }
            }
            return false;
        });
        JsonNode l = line.get();
        assertThat(l.get("level").asText()).isEqualTo("WARN");
        assertThat(l.get("message").asText()).contains("set aside as NOT_JSON");
        assertThat(l.path("mdc").path("partitionKey").asText()).isEqualTo(key);
        assertThat(l.path("mdc").path("partition").asText()).isEqualTo(Integer.toString(landed.partition()));
        assertThat(l.path("mdc").path("offset").asText()).isEqualTo(Long.toString(landed.offset()));
        // the fields are set only around the line: the next lines of that thread do not carry them
        assertThat(lines().stream().filter(x -> "corr-bad-record".equals(x.path("mdc").path("correlationId").asText())))
                .hasSize(1);
    }

    private static List<JsonNode> lines() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.exists(LOG)) {
            return out;
        }
        for (String s : Files.readAllLines(LOG)) {
            if (!s.isBlank()) {
                out.add(JSON.readTree(s));
            }
        }
        return out;
    }

    /** The correlationId header of the trade's record on a topic (awaited). */
    private String header(String topic, String key, String tradeId) {
        Header h = Topics.awaitRecord(bootstrap, topic, key, tradeId).headers().lastHeader("correlationId");
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }
}
