package com.pb.synth.tradecapture.capture;

/** The Kafka header that carries a trade's correlation id from HTTP ingest to its captured event. */
public final class CorrelationHeader {

    public static final String NAME = "correlationId";

    private CorrelationHeader() {
    }
}
