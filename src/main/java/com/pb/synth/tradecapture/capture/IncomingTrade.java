package com.pb.synth.tradecapture.capture;

/**
 * One input record as capture sees it, whatever delivered it, with the acknowledgement of the
 * batch it came in (a held record keeps its batch's offsets from being committed), and the
 * correlation id HTTP ingest gave it (the Kafka header {@code correlationId}; null for others).
 */
public record IncomingTrade(String topic, int partition, long offset, long timestampMillis, String key,
                            byte[] payload, BatchAck ack, String correlationId) {

    public IncomingTrade(String topic, int partition, long offset, long timestampMillis, String key, byte[] payload) {
        this(topic, partition, offset, timestampMillis, key, payload, BatchAck.NONE, null);
    }
}
