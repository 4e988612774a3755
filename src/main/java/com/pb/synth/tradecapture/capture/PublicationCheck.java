package com.pb.synth.tradecapture.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pb.synth.tradecapture.config.CaptureConfig;
import com.pb.synth.tradecapture.domain.StoredVersion;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.jboss.logging.Logger;

/**
 * Whether stored versions' CAPTURED events are on the captured topic. Asked only for a record read
 * again above its partition's published mark: its writer committed it, and may or may not have
 * published it before it stopped (the mark is written just after the broker's acknowledgement). The
 * topic is read from a little before the versions were captured to its end at the time of asking,
 * on the partitions the versions' keys go to, parsing only the events of those keys; the whole check
 * (metadata, offsets and reading) has one deadline.
 */
@Singleton
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

    private static final Logger LOG = Logger.getLogger(PublicationCheck.class);

    private final Map<String, Object> kafkaConfig;
    private final String topic;
    private final boolean customPartitioner;

    public PublicationCheck(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig, CaptureConfig config) {
        this.kafkaConfig = kafkaConfig;
        this.topic = config.topics().captured();
        this.customPartitioner = kafkaConfig.containsKey(ProducerConfig.PARTITIONER_CLASS_CONFIG);
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
        long began = System.nanoTime();
        long deadline = began + TIMEOUT.toNanos();
        Set<String> wanted = new HashSet<>();
        Set<String> keys = new HashSet<>();
        long from = Long.MAX_VALUE;
        for (StoredVersion v : versions) {
            wanted.add(id(v));
            keys.add(v.partitionKey());
            from = Math.min(from, v.capturedAtMillis());
        }
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "pb-synth-tradecapture-publication-check");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        Set<String> found = new HashSet<>();
        long read = 0;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            int count = consumer.partitionsFor(topic, remaining(deadline)).size();
            // Only the partitions the events' keys go to (the producer's default partitioner), unless
            // a partitioner of the operator's choosing may have put them anywhere.
            Set<Integer> numbers = new TreeSet<>();
            for (String key : keys) {
                numbers.add(customPartitioner || key == null ? -1 : partitionOf(key, count));
            }
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < count; p++) {
                if (numbers.contains(-1) || numbers.contains(p)) {
                    partitions.add(new TopicPartition(topic, p));
                }
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, remaining(deadline));
            Map<TopicPartition, Long> since = new HashMap<>();
            long start = Math.max(0, from - MARGIN_MS);
            partitions.forEach(p -> since.put(p, start));
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(since, remaining(deadline));
            for (TopicPartition p : partitions) {
                OffsetAndTimestamp at = starts.get(p);
                consumer.seek(p, at == null ? end.get(p) : at.offset());
            }
            while (partitions.stream().anyMatch(p -> consumer.position(p, remaining(deadline)) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    read++;
                    // the key first: most events on these partitions are other keys', not worth parsing
                    if (keys.contains(r.key())) {
                        String id = capturedId(r.value());
                        if (id != null && wanted.contains(id)) {
                            found.add(id);
                        }
                    }
                }
                remaining(deadline);
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new TimeoutException(e.getMessage());
        }
        long ms = (System.nanoTime() - began) / 1_000_000;
        LOG.debugf("publication check: %d of %d event(s) found among %d record(s) in %d ms", found.size(),
                wanted.size(), read, ms);
        return found;
    }

    /** What is left of the check's time; a {@link TimeoutException} once none is. */
    private static Duration remaining(long deadlineNanos) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            throw new org.apache.kafka.common.errors.TimeoutException("the publication check ran out of time");
        }
        return Duration.ofNanos(left);
    }

    /** The partition the producer's default partitioner gives a record with this key (murmur2 of its bytes). */
    static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
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
