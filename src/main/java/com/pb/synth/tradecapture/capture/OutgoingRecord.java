package com.pb.synth.tradecapture.capture;

import java.util.Map;

/** A record to publish once the batch is committed: a captured event or a DLQ reject. */
public record OutgoingRecord(String topic, String key, byte[] value, Map<String, String> headers) {
}
