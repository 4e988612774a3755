package com.pb.synth.tradecapture.capture;

import com.pb.synth.tradecapture.metrics.ConsumerAssignment;
import io.opentelemetry.api.trace.Span;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * The Kafka input: one poll batch at a time per consumer. The channel's {@code concurrency} runs
 * several consumers of the group side by side; Kafka gives each its own partitions, so each key is
 * only ever in one consumer's stream.
 *
 * <p>Acknowledgement, per partition of the batch: once the whole batch is captured, unless some of
 * that partition's records are held for a sequence gap, in which case the partition's part waits
 * for them (its offsets stay uncommitted, the next batches flow). A part is never acknowledged
 * once the partition was revoked since the poll: its new owner reads those records again.
 */
@ApplicationScoped
public class TradeCaptureConsumer {

    private static final byte[] EMPTY = new byte[0];
    private static final Logger LOG = Logger.getLogger(TradeCaptureConsumer.class);

    private final CapturePipeline pipeline;
    private final ConsumerAssignment assignment;
    private final CaptureTracing tracing;

    public TradeCaptureConsumer(CapturePipeline pipeline, @Identifier("capture-rebalance") ConsumerAssignment assignment,
                                CaptureTracing tracing) {
        this.pipeline = pipeline;
        this.assignment = assignment;
        this.tracing = tracing;
    }

    @Incoming("trades-in")
    public Uni<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        if (pipeline.stopped()) {
            // Shutting down: a batch fetched before the pause but not started is left, unacknowledged,
            // to the partitions' next owner; only the batches already in capture finish here.
            LOG.debugf("shutting down: %d records left to the partitions' next owner", batch.getRecords().size());
            return Uni.createFrom().voidItem();
        }
        Map<Integer, BatchAck.Part> parts = new HashMap<>();
        for (Map.Entry<TopicPartition, KafkaRecord<String, byte[]>> latest : batch.getLatestOffsetRecords().entrySet()) {
            TopicPartition tp = latest.getKey();
            long epoch = assignment.epoch(tp.topic(), tp.partition());
            KafkaRecord<String, byte[]> record = latest.getValue();
            parts.put(tp.partition(), new BatchAck.Part(record::ack,
                    () -> assignment.epoch(tp.topic(), tp.partition()) == epoch));
        }
        BatchAck ack = new BatchAck(parts);
        List<IncomingTrade> records = new ArrayList<>(batch.getRecords().size());
        List<Span> spans = new ArrayList<>();
        for (KafkaRecord<String, byte[]> r : batch.getRecords()) {
            long offset = r.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow().getOffset();
            Header correlation = r.getHeaders() == null ? null : r.getHeaders().lastHeader(CorrelationHeader.NAME);
            CaptureTracing.Received traced = tracing.received(r.getTopic(), r.getPartition(), offset, r.getKey(),
                    r.getHeaders());
            if (traced.span() != null) {
                spans.add(traced.span());
            }
            records.add(new IncomingTrade(r.getTopic(), r.getPartition(), offset,
                    r.getTimestamp() == null ? System.currentTimeMillis() : r.getTimestamp().toEpochMilli(),
                    r.getKey(), r.getPayload() == null ? EMPTY : r.getPayload(), ack,
                    correlation == null || correlation.value() == null ? null
                            : new String(correlation.value(), StandardCharsets.UTF_8), traced.headers()));
        }
        Uni<Void> captured = pipeline.capture(records).flatMap(v -> ack.captured());
        if (!spans.isEmpty()) {
            captured = captured.onTermination().invoke((v, failure, cancelled) -> tracing.captured(spans, failure));
        }
        return captured
                .onFailure(CaptureStoppedException.class).recoverWithUni(stopped -> {
                    // shutting down: not acknowledged, so the partitions' next owner reads these again
                    LOG.info(stopped.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }
}
