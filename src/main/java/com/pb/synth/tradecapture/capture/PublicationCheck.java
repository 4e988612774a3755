package com.pb.synth.tradecapture.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pb.synth.tradecapture.config.CaptureConfig;
import com.pb.synth.tradecapture.domain.StoredVersion;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Whether stored versions' CAPTURED events are on the captured topic. Asked only for a record read
 * again above its partition's published mark: its writer committed it, and may or may not have
 * published it before it stopped (the mark is written just after the broker's acknowledgement). The
 * topic is read from a little before the versions were captured to its end at the time of asking.
 */
@ApplicationScoped
public class PublicationCheck {

    private static final long MARGIN_MS = 5_000;
    /**
     * How old a stored version must be before its event's absence from the topic is conclusive: the
     * producer's delivery timeout (its writer, frozen with the event in its buffer, sends it within
     * that or never) plus a margin for clocks.
     */
    public static final long SETTLE_MS = EventPublisher.DELIVERY_TIMEOUT_MS + 2_000;
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Object> kafkaConfig;
    private final String topic;

    public PublicationCheck(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig, CaptureConfig config) {
        this.kafkaConfig = kafkaConfig;
        this.topic = config.topics().captured();
    }

    static String id(StoredVersion v) {
        return v.tradeId() + "#" + v.version();
    }

    /** The ids ({@code tradeId#version}) of those versions whose CAPTURED event the topic holds. */
    public Uni<Set<String>> published(Collection<StoredVersion> versions) {
        return Uni.createFrom().item(() -> {
            try {
                return scan(versions);
            } catch (TimeoutException e) {
                throw new ConcurrentCaptureException("the captured topic could not be read to its end in "
                        + TIMEOUT.toSeconds() + " s to check " + versions.size() + " event(s); trying again");
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private Set<String> scan(Collection<StoredVersion> versions) throws TimeoutException {
        Set<String> wanted = new HashSet<>();
        long from = Long.MAX_VALUE;
        for (StoredVersion v : versions) {
            wanted.add(id(v));
            from = Math.min(from, v.capturedAtMillis());
        }
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "pb-synth-tradecapture-publication-check");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        Set<String> found = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            Map<TopicPartition, Long> since = new HashMap<>();
            long start = Math.max(0, from - MARGIN_MS);
            partitions.forEach(p -> since.put(p, start));
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(since, TIMEOUT);
            for (TopicPartition p : partitions) {
                OffsetAndTimestamp at = starts.get(p);
                consumer.seek(p, at == null ? end.get(p) : at.offset());
            }
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException();
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    String id = capturedId(r.value());
                    if (id != null && wanted.contains(id)) {
                        found.add(id);
                    }
                }
            }
        }
        return found;
    }

    /** {@code tradeId#version} of a CAPTURED event, else null. */
    static String capturedId(byte[] event) {
        try {
            JsonNode e = JSON.readTree(event);
            JsonNode status = e.get("status");
            if (status == null || !"CAPTURED".equals(status.asText()) || e.get("tradeId") == null
                    || e.get("version") == null) {
                return null;
            }
            return e.get("tradeId").asText() + "#" + e.get("version").asInt();
        } catch (IOException e) {
            return null;
        }
    }
}
