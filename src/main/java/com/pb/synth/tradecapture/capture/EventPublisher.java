package com.pb.synth.tradecapture.capture;

import com.pb.synth.tradecapture.config.CaptureConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Publishes a committed batch's events and rejects. One idempotent producer (acks=all), records
 * sent in input order, so a key's events keep their order; the returned Uni completes when the
 * broker has acknowledged every record, or fails with the first error (the batch is then retried
 * and its trades republished as DUPLICATE).
 *
 * <p>{@code send} blocks while the broker's metadata is unknown (a broker outage), so sending
 * runs on a worker thread, never on the event loop.
 *
 * <p>A plain producer rather than an emitter: a batch sends thousands of records at once, and the
 * producer's own batching and one callback per record is the cheapest way to know they all landed.
 */
@ApplicationScoped
public class EventPublisher {

    private final KafkaProducer<String, byte[]> producer;
    private final int maxInFlightBytes;

    public EventPublisher(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
                          CaptureConfig config) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, config.producer().lingerMs());
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, config.producer().compression());
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "pb-synth-tradecapture-events");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, config.producer().maxRequestSize());
        // Room for two chunks of a batch in flight, so send() never waits for buffer space.
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 2L * config.producer().maxInFlightBytes()
                + 2L * config.producer().maxRequestSize());
        this.maxInFlightBytes = config.producer().maxInFlightBytes();
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Sends the records in order and completes when the broker has acknowledged all of them. A batch
     * whose events add up to more than {@code capture.producer.max-in-flight-bytes} goes in chunks of
     * about that size, each acknowledged before the next is sent, so a batch of any size fits the
     * producer's buffer.
     */
    public Uni<Void> publish(List<OutgoingRecord> records) {
        if (records.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Uni<Void> all = Uni.createFrom().voidItem();
        int from = 0;
        long bytes = 0;
        for (int i = 0; i < records.size(); i++) {
            bytes += records.get(i).value().length;
            if (bytes >= maxInFlightBytes || i == records.size() - 1) {
                List<OutgoingRecord> chunk = records.subList(from, i + 1);
                all = all.flatMap(v -> send(chunk));
                from = i + 1;
                bytes = 0;
            }
        }
        return all;
    }

    private Uni<Void> send(List<OutgoingRecord> records) {
        return Uni.createFrom().<Void>emitter(em -> {
            AtomicInteger remaining = new AtomicInteger(records.size());
            for (OutgoingRecord r : records) {
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(r.topic(), r.key(), r.value());
                for (Map.Entry<String, String> h : r.headers().entrySet()) {
                    record.headers().add(h.getKey(), h.getValue().getBytes(StandardCharsets.UTF_8));
                }
                try {
                    producer.send(record, (metadata, error) -> {
                        if (error != null) {
                            em.fail(error);
                        } else if (remaining.decrementAndGet() == 0) {
                            em.complete(null);
                        }
                    });
                } catch (RuntimeException e) {
                    em.fail(e);
                    return;
                }
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    void close(@Observes ShutdownEvent event) {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
