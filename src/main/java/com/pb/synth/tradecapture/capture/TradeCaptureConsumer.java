package com.pb.synth.tradecapture.capture;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The Kafka input: one poll batch at a time per consumer, acknowledged only after the whole batch
 * is captured. The channel's {@code concurrency} runs several consumers of the group side by side;
 * Kafka gives each its own partitions, so each key is only ever in one consumer's stream.
 */
@ApplicationScoped
public class TradeCaptureConsumer {

    private static final byte[] EMPTY = new byte[0];

    private final CapturePipeline pipeline;

    public TradeCaptureConsumer(CapturePipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Incoming("trades-in")
    public Uni<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        List<IncomingTrade> records = new ArrayList<>(batch.getRecords().size());
        for (KafkaRecord<String, byte[]> r : batch.getRecords()) {
            long offset = r.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow().getOffset();
            records.add(new IncomingTrade(r.getTopic(), r.getPartition(), offset,
                    r.getTimestamp() == null ? System.currentTimeMillis() : r.getTimestamp().toEpochMilli(),
                    r.getKey(), r.getPayload() == null ? EMPTY : r.getPayload()));
        }
        return pipeline.capture(records).flatMap(v -> Uni.createFrom().completionStage(batch.ack()));
    }
}
