package com.pb.synth.tradecapture.capture;

import com.pb.synth.tradecapture.config.CaptureConfig;
import io.opentelemetry.api.trace.Span;
import io.quarkus.runtime.ImageMode;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.xxhash.XXHashFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

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
@Singleton
public class EventPublisher {

    /** The producer's delivery timeout: an event reaches the topic within this of its send, or never. */
    public static final int DELIVERY_TIMEOUT_MS = 8_000;

    private static final Logger LOG = Logger.getLogger(EventPublisher.class);

    private final KafkaProducer<String, byte[]> producer;
    private final int maxInFlightBytes;
    private final CaptureTracing tracing;

    /**
     * @param kafkaConfig every {@code kafka.*} setting (Quarkus's {@code default-kafka-broker}): the
     *                    brokers and, on a secured cluster, the same security settings (SASL_SSL,
     *                    mTLS) the input channel and HTTP ingest's emitter take
     */
    public EventPublisher(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig, CaptureConfig config,
                          CaptureTracing tracing) {
        this.tracing = tracing;
        Properties props = new Properties();
        props.putAll(kafkaConfig);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, config.producer().lingerMs());
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, config.producer().compression());
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        // A record not acknowledged within this is failed, never sent later: it bounds how long after
        // its capture a frozen writer's event can still reach the topic (see PublicationCheck).
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "pb-synth-tradecapture-events");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, config.producer().maxRequestSize());
        // Room for two chunks of a batch in flight, so send() never waits for buffer space.
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 2L * config.producer().maxInFlightBytes()
                + 2L * config.producer().maxRequestSize());
        this.maxInFlightBytes = config.producer().maxInFlightBytes();
        // a native image links no JNI library it was not built with: there Java's codec stays
        if ("lz4".equals(config.producer().compression()) && ImageMode.current() != ImageMode.NATIVE_RUN) {
            preferNativeLz4();
        }
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Kafka compresses with lz4-java's fastest codec, which is its pure-Java one unless the JNI codec
     * is already loaded or lz4-java sits on the system class loader (never under Quarkus's). Loading it
     * here makes compression native (it was ~9% of capture's CPU in Java); where it cannot load (no
     * writable temporary directory, an unsupported platform) Java's codec stays.
     */
    static void preferNativeLz4() {
        try {
            LZ4Factory.nativeInstance();
            XXHashFactory.nativeInstance();
            LOG.info("lz4: the JNI codec compresses events");
        } catch (Throwable notLoaded) {
            LOG.infof("lz4: the JNI codec did not load (%s); events are compressed in Java", notLoaded.toString());
        }
    }

    /**
     * Sends the records in order and completes when the broker has acknowledged all of them. A batch
     * whose events add up to more than {@code capture.producer.max-in-flight-bytes} goes in chunks of
     * about that size, each acknowledged before the next is sent, so a batch of any size fits the
     * producer's buffer. When some are not acknowledged it fails, once every record sent has its
     * answer, with {@link PublishIncompleteException} naming exactly those (and the chunks not sent),
     * so that only they are sent again.
     */
    public Uni<Void> publish(List<OutgoingRecord> records) {
        if (records.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<List<OutgoingRecord>> chunks = new ArrayList<>();
        int from = 0;
        long bytes = 0;
        for (int i = 0; i < records.size(); i++) {
            bytes += records.get(i).value().length;
            if (bytes >= maxInFlightBytes || i == records.size() - 1) {
                chunks.add(records.subList(from, i + 1));
                from = i + 1;
                bytes = 0;
            }
        }
        return publishChunks(chunks, 0);
    }

    private Uni<Void> publishChunks(List<List<OutgoingRecord>> chunks, int next) {
        if (next == chunks.size()) {
            return Uni.createFrom().voidItem();
        }
        return send(chunks.get(next)).flatMap(failed -> {
            if (failed.unacknowledged().isEmpty()) {
                return publishChunks(chunks, next + 1);
            }
            List<OutgoingRecord> unacknowledged = new ArrayList<>(failed.unacknowledged());
            for (int c = next + 1; c < chunks.size(); c++) {
                unacknowledged.addAll(chunks.get(c));
            }
            return Uni.createFrom().failure(new PublishIncompleteException(unacknowledged, failed.cause()));
        });
    }

    /** What a chunk's sending left unacknowledged, in order, and the first error. */
    private record Sent(List<OutgoingRecord> unacknowledged, Throwable cause) {
    }

    private Uni<Sent> send(List<OutgoingRecord> records) {
        return Uni.createFrom().<Sent>emitter(em -> {
            int n = records.size();
            boolean[] failed = new boolean[n];
            AtomicInteger pending = new AtomicInteger(n);
            AtomicReference<Throwable> first = new AtomicReference<>();
            Runnable answered = () -> {
                if (pending.decrementAndGet() == 0) {
                    List<OutgoingRecord> unacknowledged = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        if (failed[i]) {
                            unacknowledged.add(records.get(i));
                        }
                    }
                    em.complete(new Sent(unacknowledged, first.get()));
                }
            };
            for (int i = 0; i < n; i++) {
                OutgoingRecord r = records.get(i);
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(r.topic(), null, r.timestampMillis(),
                        r.key(), r.value());
                Span span = tracing.sending(r);
                for (Map.Entry<String, String> h : (span == null ? r.headers() : tracing.headers(r, span)).entrySet()) {
                    record.headers().add(h.getKey(), h.getValue().getBytes(StandardCharsets.UTF_8));
                }
                int index = i;
                try {
                    producer.send(record, (metadata, error) -> {
                        if (span != null) {
                            tracing.sent(span, error);
                        }
                        if (error != null) {
                            failed[index] = true;
                            first.compareAndSet(null, error);
                        }
                        answered.run();
                    });
                } catch (RuntimeException e) {
                    if (span != null) {
                        tracing.sent(span, e);
                    }
                    // not sent (the broker's metadata unknown in time, the producer closed): neither is the rest
                    first.compareAndSet(null, e);
                    for (int j = i; j < n; j++) {
                        failed[j] = true;
                    }
                    for (int j = i; j < n; j++) {
                        answered.run();
                    }
                    return;
                }
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    void close(@Observes ShutdownEvent event) {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
