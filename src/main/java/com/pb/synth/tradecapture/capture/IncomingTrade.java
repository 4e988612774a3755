package com.pb.synth.tradecapture.capture;

import java.util.HashMap;
import java.util.Map;

/**
 * One input record as capture sees it, whatever delivered it, with the acknowledgement of the
 * batch it came in (a held record keeps its batch's offsets from being committed), the
 * correlation id HTTP ingest gave it (the Kafka header {@code correlationId}; null for others), and
 * the trace context of its capture span when it is traced (see {@link CaptureTracing}; else empty).
 */
public record IncomingTrade(String topic, int partition, long offset, long timestampMillis, String key,
                            byte[] payload, BatchAck ack, String correlationId, Map<String, String> traceContext) {

    public IncomingTrade(String topic, int partition, long offset, long timestampMillis, String key, byte[] payload) {
        this(topic, partition, offset, timestampMillis, key, payload, BatchAck.NONE, null, Map.of());
    }

    /** The headers its outputs (captured event, DLQ record) carry on: correlation id and trace context. */
    public Map<String, String> forwardedHeaders() {
        if (correlationId == null) {
            return traceContext;
        }
        if (traceContext.isEmpty()) {
            return Map.of(CorrelationHeader.NAME, correlationId);
        }
        Map<String, String> headers = new HashMap<>(traceContext);
        headers.put(CorrelationHeader.NAME, correlationId);
        return headers;
    }
}
