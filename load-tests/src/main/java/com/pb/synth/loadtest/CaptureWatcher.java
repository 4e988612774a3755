package com.pb.synth.loadtest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the captured-event topics as a downstream would and checks them as they come: each trade
 * CAPTURED once, each key's trades in sequence order. Latency per trade is the captured event's
 * broker timestamp minus the generator's intended send time (so a slow service shows as latency,
 * not as a lower offered rate), recorded in HdrHistogram, overall and per second.
 */
public final class CaptureWatcher implements Runnable {

    private static final JsonFactory JSON = new JsonFactory();
    private static final long MAX_LATENCY_MS = 3_600_000;

    private final KafkaConsumer<String, byte[]> consumer;
    private final TradeMix mix;
    private final AtomicLongArray intendedMs;
    private final AtomicIntegerArray capturedTimes;
    private final Map<String, Integer> lastSequence = new HashMap<>();
    private final Histogram overall = new Histogram(MAX_LATENCY_MS, 3);
    private final List<Histogram> perSecond = new ArrayList<>();
    private final List<long[]> capturedPerSecond = new ArrayList<>();
    private final long startMs;
    private final Semaphore sequential;
    private final AtomicLong distinct = new AtomicLong();
    private final AtomicLong lastProgressMs = new AtomicLong(System.currentTimeMillis());
    private volatile long lastCaptureMs;
    private volatile boolean running = true;
    private long duplicated;
    private long reordered;
    private long duplicateEvents;
    private long otherEvents;

    public CaptureWatcher(String bootstrap, List<String> topics, TradeMix mix, int capacity, long startMs,
                          Semaphore sequential) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", "load-test-watcher-" + System.nanoTime());
        p.put("enable.auto.commit", "false");
        p.put("max.poll.records", "5000");
        p.put("fetch.max.wait.ms", "50");
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic).forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // fix the start before anything is sent
        this.mix = mix;
        this.intendedMs = new AtomicLongArray(capacity);
        this.capturedTimes = new AtomicIntegerArray(capacity);
        this.startMs = startMs;
        this.sequential = sequential;
    }

    /** Records when the generator meant to send op {@code index}. */
    public void sent(int index, long intendedMillis) {
        intendedMs.set(index, intendedMillis);
    }

    @Override
    public void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    accept(r);
                }
            }
        } finally {
            consumer.close();
        }
    }

    private void accept(ConsumerRecord<String, byte[]> r) {
        String[] f = fields(r.value());
        String key = f[0];
        String status = f[2];
        if (key == null || f[1] == null || status == null) {
            otherEvents++;
            return;
        }
        TradeMix.Key k = mix.key(key);
        if (k == null) {
            otherEvents++;
            return;
        }
        int sequence = Integer.parseInt(f[1]);
        int op;
        synchronized (k) {
            if (sequence < 1 || sequence > k.ops.size()) {
                otherEvents++;
                return;
            }
            op = k.ops.get(sequence - 1);
        }
        if (!"CAPTURED".equals(status)) {
            if ("DUPLICATE".equals(status)) {
                duplicateEvents++;
            } else {
                otherEvents++;
            }
            return;
        }
        if (capturedTimes.incrementAndGet(op) > 1) {
            duplicated++;
            return;
        }
        Integer last = lastSequence.get(key);
        if (last != null && sequence < last) {
            reordered++;
        } else {
            lastSequence.put(key, sequence);
        }
        long latency = Math.max(0, Math.min(MAX_LATENCY_MS, r.timestamp() - intendedMs.get(op)));
        overall.recordValue(latency);
        int second = (int) Math.max(0, (r.timestamp() - startMs) / 1000);
        while (perSecond.size() <= second) {
            perSecond.add(new Histogram(MAX_LATENCY_MS, 2));
            capturedPerSecond.add(new long[1]);
        }
        perSecond.get(second).recordValue(latency);
        capturedPerSecond.get(second)[0]++;
        lastCaptureMs = r.timestamp();
        distinct.incrementAndGet();
        lastProgressMs.set(System.currentTimeMillis());
        if (sequential != null) {
            sequential.release();
        }
    }

    /** partitionKey, sequenceNumber, status: the first fields of every captured event. */
    private static String[] fields(byte[] json) {
        String[] out = new String[3];
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return out;
            }
            int found = 0;
            while (found < 3 && p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "partitionKey" -> { out[0] = p.getText(); found++; }
                    case "sequenceNumber" -> { out[1] = t == JsonToken.VALUE_NULL ? null : p.getText(); found++; }
                    case "status" -> { out[2] = p.getText(); found++; }
                    default -> p.skipChildren();
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    public void stop() {
        running = false;
    }

    public long distinct() {
        return distinct.get();
    }

    public long lastProgressMs() {
        return lastProgressMs.get();
    }

    public long lastCaptureMs() {
        return lastCaptureMs;
    }

    public Histogram overall() {
        return overall;
    }

    public List<Histogram> perSecond() {
        return perSecond;
    }

    public List<long[]> capturedPerSecond() {
        return capturedPerSecond;
    }

    public long duplicated() {
        return duplicated;
    }

    public long reordered() {
        return reordered;
    }

    public long duplicateEvents() {
        return duplicateEvents;
    }

    public long otherEvents() {
        return otherEvents;
    }
}
