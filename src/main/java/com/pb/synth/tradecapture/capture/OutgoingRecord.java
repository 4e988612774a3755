package com.pb.synth.tradecapture.capture;

import java.util.Map;

/**
 * A record to publish once the batch is committed: a captured event or a DLQ reject.
 * {@code timestampMillis}, when set, is the record's timestamp: a first CAPTURED event carries its
 * capture time, so a broker that refuses records older than the captured topic's
 * {@code message.timestamp.before.max.ms} refuses a frozen writer's late event (see PublicationCheck);
 * null is the send time.
 */
public record OutgoingRecord(String topic, String key, byte[] value, Map<String, String> headers, Long timestampMillis) {

    public OutgoingRecord(String topic, String key, byte[] value, Map<String, String> headers) {
        this(topic, key, value, headers, null);
    }
}
