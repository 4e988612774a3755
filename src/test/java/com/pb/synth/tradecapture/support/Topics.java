package com.pb.synth.tradecapture.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;

/** Sends records to the real broker and reads topics back, from the beginning, as a downstream would. */
public final class Topics {

    private Topics() {
    }

    /** Sends and waits for the broker's acknowledgement of every record; returns where each landed. */
    public static List<RecordMetadata> send(String bootstrap, List<ProducerRecord<String, byte[]>> records) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
            for (ProducerRecord<String, byte[]> r : records) {
                sent.add(producer.send(r));
            }
            List<RecordMetadata> landed = new ArrayList<>(sent.size());
            for (Future<RecordMetadata> f : sent) {
                landed.add(f.get());
            }
            return landed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ProducerRecord<String, byte[]> record(String topic, String key, String value) {
        return new ProducerRecord<>(topic, key, value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Input records for the given requests, each keyed by its partition key. */
    public static List<ProducerRecord<String, byte[]>> inputs(List<TradeRequests.Builder> trades) {
        return trades.stream().map(t -> record(RealServers.IN, t.key(), t.json())).toList();
    }

    /** The group's committed offset of each partition (absent: nothing committed). */
    public static Map<TopicPartition, Long> committed(String bootstrap, String group) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            Map<TopicPartition, Long> offsets = new HashMap<>();
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .forEach((tp, om) -> offsets.put(tp, om == null ? 0 : om.offset()));
            return offsets;
        } catch (Exception e) {
            throw new IllegalStateException("could not read the committed offsets of " + group, e);
        }
    }

    /** Reads a whole topic from its beginning, accumulating across calls to {@link #poll()}. */
    /** The first record on the topic with this key whose value contains {@code marker} (awaited, 30 s). */
    public static ConsumerRecord<String, byte[]> awaitRecord(String bootstrap, String topic, String key, String marker) {
        AtomicReference<ConsumerRecord<String, byte[]>> found = new AtomicReference<>();
        try (Reader reader = new Reader(bootstrap, topic)) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : reader.poll()) {
                    if (key.equals(r.key())
                            && new String(r.value(), StandardCharsets.UTF_8).contains(marker)) {
                        found.set(r);
                        return true;
                    }
                }
                return false;
            });
        }
        return found.get();
    }

    public static final class Reader implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();

        public Reader(String bootstrap, String topic) {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID());
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
            consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        /** Everything read so far, after one more poll. */
        public List<ConsumerRecord<String, byte[]>> poll() {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            return records;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
