package com.pb.synth.tradecapture.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.pb.synth.tradecapture.security.Roles;
import com.pb.synth.tradecapture.support.Fixtures;
import com.pb.synth.tradecapture.support.RealServers;
import com.pb.synth.tradecapture.support.ServiceTestBase;
import com.pb.synth.tradecapture.support.Tokens;
import com.pb.synth.tradecapture.support.Topics;
import com.pb.synth.tradecapture.support.TradeRequests;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * OpenTelemetry tracing, turned on by the profile, with the spans kept in memory: one trace runs
 * from the HTTP POST through the input record and its capture to the captured event, whose
 * {@code traceparent} names the span of its own send; a record from any producer that carries a
 * trace context is continued to its DLQ record; a record without one gets no span.
 */
@QuarkusTest
@TestProfile(TracingIT.TracingOn.class)
@QuarkusTestResource(RealServers.class)
class TracingIT extends ServiceTestBase {

    private static final String WRITER = Tokens.mint("ops-user", Roles.WRITE, Roles.READ);
    private static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.offset");
    private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");

    public static class TracingOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.sdk.disabled", "false", "quarkus.otel.bsp.schedule.delay", "100ms");
        }
    }

    @Inject
    InMemorySpanExporter spans;

    @Test
    void oneTraceRunsFromThePostThroughCaptureToTheCapturedEvent() {
        String account = Fixtures.accounts(pool, reference, "TRACE", 1).get(0);
        TradeRequests.Builder trade = TradeRequests.trade(TradeRequests.unique("TRACE")).key(account, "BOOK-02", "US0378331005");
        Response r = given().contentType("application/json").header("Authorization", "Bearer " + WRITER)
                .body(trade.json()).post("/api/v1/trades/capture");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(202);

        ConsumerRecord<String, byte[]> input = record(RealServers.IN, trade.key(), trade.tradeId());
        ConsumerRecord<String, byte[]> event = record(RealServers.CAPTURED, trade.key(), trade.tradeId());
        String[] inputParent = traceparent(input);
        String[] eventParent = traceparent(event);
        String traceId = inputParent[1];
        assertThat(eventParent[1]).as("the captured event continues the POST's trace").isEqualTo(traceId);

        // every span of the trace, as the in-memory exporter received them
        AtomicReference<List<SpanData>> trace = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            trace.set(spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).toList());
            return trace.get().stream().anyMatch(s -> s.getSpanId().equals(eventParent[2]));
        });
        List<SpanData> all = trace.get();
        SpanData server = only(all, s -> s.getKind() == SpanKind.SERVER);
        assertThat(server.getName()).contains("/api/v1/trades/capture");
        assertThat(server.getParentSpanContext().isValid()).as("the POST starts the trace").isFalse();

        SpanData ingestSend = only(all, s -> s.getSpanId().equals(inputParent[2]));
        assertThat(ingestSend.getKind()).isEqualTo(SpanKind.PRODUCER);
        assertThat(descendsFrom(all, ingestSend, server)).as("ingest's publish is within the POST").isTrue();

        SpanData capture = only(all, s -> s.getKind() == SpanKind.CONSUMER);
        assertThat(capture.getParentSpanId()).as("capture continues the input record's context").isEqualTo(ingestSend.getSpanId());
        assertThat(capture.getAttributes().get(OFFSET)).isEqualTo(input.offset());
        assertThat(capture.getAttributes().get(DESTINATION)).isEqualTo(RealServers.IN);

        SpanData eventSend = only(all, s -> s.getSpanId().equals(eventParent[2]));
        assertThat(eventSend.getKind()).isEqualTo(SpanKind.PRODUCER);
        assertThat(eventSend.getParentSpanId()).isEqualTo(capture.getSpanId());
        assertThat(eventSend.getAttributes().get(DESTINATION)).isEqualTo(RealServers.CAPTURED);
        // the correlation id still rides beside the trace
        assertThat(event.headers().lastHeader("correlationId")).isNotNull();
    }

    @Test
    void aRecordWithATraceContextFromAnyProducerIsContinuedToItsDlqRecord() {
        String account = Fixtures.accounts(pool, reference, "TRDLQ", 1).get(0);
        String key = TradeRequests.trade("x").key(account, "BOOK-03", "US0378331005").key();
        String traceId = "4bf92f3577b34da6a3ce929d0e0e" + String.format("%04x", (int) (System.nanoTime() & 0xffff));
        String parentSpan = "00f067aa0ba902b7";
        ProducerRecord<String, byte[]> bad = Topics.record(RealServers.IN, key, "not json " + traceId);
        bad.headers().add("traceparent", ("00-" + traceId + "-" + parentSpan + "-01").getBytes(StandardCharsets.UTF_8));
        var landed = Topics.send(bootstrap, List.of(bad)).get(0);

        ConsumerRecord<String, byte[]> dlq = record(RealServers.DLQ, key, traceId);
        String[] dlqParent = traceparent(dlq);
        assertThat(dlqParent[1]).isEqualTo(traceId);
        assertThat(new String(dlq.headers().lastHeader("reasonCode").value(), StandardCharsets.UTF_8)).isEqualTo("NOT_JSON");
        await().atMost(Duration.ofSeconds(20)).until(() -> spans.getFinishedSpanItems().stream()
                .anyMatch(s -> s.getSpanId().equals(dlqParent[2])));
        List<SpanData> all = spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).toList();
        SpanData capture = only(all, s -> s.getKind() == SpanKind.CONSUMER);
        assertThat(capture.getParentSpanId()).isEqualTo(parentSpan);
        assertThat(capture.getAttributes().get(OFFSET)).isEqualTo(landed.offset());
        assertThat(only(all, s -> s.getSpanId().equals(dlqParent[2])).getParentSpanId()).isEqualTo(capture.getSpanId());
    }

    @Test
    void aRecordWithoutATraceContextGetsNoSpanAndItsEventNoTraceparent() {
        String account = Fixtures.accounts(pool, reference, "NOTRACE", 1).get(0);
        TradeRequests.Builder trade = TradeRequests.trade(TradeRequests.unique("NOTRACE")).key(account, "BOOK-02", "US0378331005");
        var landed = Topics.send(bootstrap, List.of(Topics.record(RealServers.IN, trade.key(), trade.json()))).get(0);

        ConsumerRecord<String, byte[]> event = record(RealServers.CAPTURED, trade.key(), trade.tradeId());
        assertThat(event.headers().lastHeader("traceparent")).isNull();
        assertThat(spans.getFinishedSpanItems()).noneMatch(s -> s.getKind() == SpanKind.CONSUMER
                && Long.valueOf(landed.offset()).equals(s.getAttributes().get(OFFSET))
                && trade.key().equals(s.getAttributes().get(AttributeKey.stringKey("messaging.kafka.message.key"))));
    }

    /** version, trace id, parent span id, flags of a record's W3C traceparent header. */
    private static String[] traceparent(ConsumerRecord<String, byte[]> record) {
        Header h = record.headers().lastHeader("traceparent");
        assertThat(h).as("traceparent on " + record.topic()).isNotNull();
        String[] parts = new String(h.value(), StandardCharsets.UTF_8).split("-");
        assertThat(parts).hasSize(4);
        return parts;
    }

    private static SpanData only(List<SpanData> spans, java.util.function.Predicate<SpanData> which) {
        List<SpanData> found = spans.stream().filter(which).toList();
        assertThat(found).as("spans %s", spans).hasSize(1);
        return found.get(0);
    }

    private static boolean descendsFrom(List<SpanData> trace, SpanData span, SpanData ancestor) {
        SpanData at = span;
        for (int hops = 0; hops < trace.size() && at != null; hops++) {
            if (at.getParentSpanId().equals(ancestor.getSpanId())) {
                return true;
            }
            String parent = at.getParentSpanId();
            at = trace.stream().filter(s -> s.getSpanId().equals(parent)).findFirst().orElse(null);
        }
        return false;
    }

    private ConsumerRecord<String, byte[]> record(String topic, String key, String marker) {
        return Topics.awaitRecord(bootstrap, topic, key, marker);
    }
}
