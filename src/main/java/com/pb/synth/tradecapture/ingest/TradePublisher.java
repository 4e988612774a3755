package com.pb.synth.tradecapture.ingest;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.OutgoingMessageMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Puts an HTTP-ingested trade on the input topic, keyed by its partition key, so it is captured in
 * order with the key's Kafka trades. The Uni completes with the record's position only once the
 * broker has acknowledged it (acks=all, idempotent producer) and fails if it was not stored.
 */
@ApplicationScoped
public class TradePublisher {

    /** Where the record landed. */
    public record Position(String topic, int partition, long offset) {
    }

    private final MutinyEmitter<byte[]> emitter;

    public TradePublisher(@Channel("trades-ingest") MutinyEmitter<byte[]> emitter) {
        this.emitter = emitter;
    }

    public Uni<Position> publish(String partitionKey, byte[] payload) {
        OutgoingMessageMetadata<RecordMetadata> result = new OutgoingMessageMetadata<>();
        OutgoingKafkaRecordMetadata.OutgoingKafkaRecordMetadataBuilder<String> kafka =
                OutgoingKafkaRecordMetadata.<String>builder().withKey(partitionKey);
        CorrelationId.current().ifPresent(id -> kafka.withHeaders(new RecordHeaders()
                .add(CorrelationId.KAFKA_HEADER, id.getBytes(StandardCharsets.UTF_8))));
        Message<byte[]> message = Message.of(payload)
                .addMetadata(kafka.build())
                .addMetadata(result);
        return emitter.sendMessage(message).map(v -> {
            RecordMetadata md = result.getResult();
            return new Position(md.topic(), md.partition(), md.offset());
        });
    }
}
