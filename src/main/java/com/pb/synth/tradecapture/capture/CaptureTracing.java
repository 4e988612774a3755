package com.pb.synth.tradecapture.capture;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * OpenTelemetry spans for capture, when tracing is on ({@code OTEL_SDK_DISABLED=false}; off by
 * default, and then nothing here runs). A trace starts upstream — HTTP ingest's request and its
 * publish to the input topic, or any producer that puts W3C {@code traceparent} on its records —
 * and capture continues it: a CONSUMER span per input record, from the poll until its batch is
 * captured (retries included), and a PRODUCER span per captured event or DLQ record, from its send
 * until the broker answers. The output record carries the producer span's {@code traceparent}, so a
 * downstream consumer continues the same trace.
 *
 * <p>Records without a trace context get no span: capture does not start a trace per record (at
 * 2M trades a day that is the producers' sampling decision, not ours). The batch's Redis and SQL
 * round trips serve thousands of records at once and belong to no one record's trace; their
 * automatic spans are off (README, "Tracing").
 *
 * <p>The SmallRye channel's own per-record tracing stays off: it attaches metadata to every record
 * whether or not a trace is sampled, which cost ~15% of capture's allocations.
 */
@Singleton
public class CaptureTracing {

    private static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    private static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation.type");
    private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    private static final AttributeKey<String> PARTITION = AttributeKey.stringKey("messaging.destination.partition.id");
    private static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.offset");
    private static final AttributeKey<String> KEY = AttributeKey.stringKey("messaging.kafka.message.key");
    /** The W3C trace-context headers: what is replaced on an output record by its own span's context. */
    private static final Set<String> TRACE_HEADERS = Set.of("traceparent", "tracestate");

    private static final TextMapGetter<Headers> KAFKA_HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers carrier) {
            List<String> keys = new ArrayList<>();
            carrier.forEach(h -> keys.add(h.key()));
            return keys;
        }

        @Override
        public String get(Headers carrier, String key) {
            Header h = carrier == null ? null : carrier.lastHeader(key);
            return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
        }
    };

    private static final TextMapGetter<Map<String, String>> MAP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final boolean enabled;
    private final Tracer tracer;
    private final TextMapPropagator propagator;

    public CaptureTracing(OpenTelemetry openTelemetry,
                          @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "true") boolean disabled) {
        this.enabled = !disabled;
        this.tracer = openTelemetry.getTracer("pb-synth-tradecapture");
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    }

    /** A record's capture span, or none; the headers carry its context on to the record's output. */
    public record Received(Span span, Map<String, String> headers) {
        static final Received NONE = new Received(null, Map.of());
    }

    /** Continues the record's trace, if tracing is on and the record carries one. */
    public Received received(String topic, int partition, long offset, String key, Headers headers) {
        if (!enabled || headers == null || headers.lastHeader("traceparent") == null) {
            return Received.NONE;
        }
        Context parent = propagator.extract(Context.root(), headers, KAFKA_HEADERS);
        if (!Span.fromContext(parent).getSpanContext().isValid()) {
            return Received.NONE;
        }
        Span span = tracer.spanBuilder("process " + topic).setParent(parent).setSpanKind(SpanKind.CONSUMER)
                .setAttribute(SYSTEM, "kafka").setAttribute(OPERATION, "process").setAttribute(DESTINATION, topic)
                .setAttribute(PARTITION, Integer.toString(partition)).setAttribute(OFFSET, offset)
                .setAttribute(KEY, key == null ? "" : key)
                .startSpan();
        return new Received(span, inject(span));
    }

    /** Ends the batch's capture spans: with an error status when the batch failed. */
    public void captured(List<Span> spans, Throwable failure) {
        for (Span span : spans) {
            if (failure != null) {
                span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
            }
            span.end();
        }
    }

    /** The span of an output record's send, child of its input record's capture span; null when it has none. */
    public Span sending(OutgoingRecord record) {
        if (!enabled || !record.headers().containsKey("traceparent")) {
            return null;
        }
        Context parent = propagator.extract(Context.root(), record.headers(), MAP);
        return tracer.spanBuilder("send " + record.topic()).setParent(parent).setSpanKind(SpanKind.PRODUCER)
                .setAttribute(SYSTEM, "kafka").setAttribute(OPERATION, "send").setAttribute(DESTINATION, record.topic())
                .setAttribute(KEY, record.key() == null ? "" : record.key())
                .startSpan();
    }

    /** The record's headers, its trace context replaced by the send span's. */
    public Map<String, String> headers(OutgoingRecord record, Span sending) {
        Map<String, String> headers = new HashMap<>(record.headers());
        headers.keySet().removeAll(TRACE_HEADERS);
        headers.putAll(inject(sending));
        return headers;
    }

    /** Ends a send span with the broker's answer. */
    public void sent(Span sending, Exception error) {
        if (error != null) {
            sending.recordException(error);
            sending.setStatus(StatusCode.ERROR, error.getClass().getSimpleName());
        }
        sending.end();
    }

    private Map<String, String> inject(Span span) {
        Map<String, String> carrier = new HashMap<>(4);
        propagator.inject(Context.root().with(span), carrier, Map::put);
        return Map.copyOf(carrier);
    }
}
