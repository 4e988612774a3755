package com.pb.synth.tradecapture.capture;

/** One input record as capture sees it, whatever delivered it. */
public record IncomingTrade(String topic, int partition, long offset, long timestampMillis, String key,
                            byte[] payload) {
}
