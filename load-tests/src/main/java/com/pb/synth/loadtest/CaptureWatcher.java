package com.pb.synth.loadtest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    private static final long MAX_LATENCY_MS = 3_600_000;

    private final KafkaConsumer<String, byte[]> consumer;
    private final TradeMix mix;
    private final AtomicLongArray intendedMs;
    private final AtomicIntegerArray capturedTimes;
    private final AtomicLongArray capturedAtMs;
    private final AtomicIntegerArray partitionOf;
    private final Set<String> dlqTopics;
    private final byte[] poisonPrefix;
    private final List<double[]> duplicates = new ArrayList<>();
    private final Set<String> poisonInDlq = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> lastSequence = new HashMap<>();
    private final Histogram overall = new Histogram(MAX_LATENCY_MS, 3);
    private final List<Histogram> perSecond = new ArrayList<>();
    private final List<long[]> capturedPerSecond = new ArrayList<>();
    private volatile long startMs;
    private volatile int measureFrom;
    private final Semaphore sequential;
    private final AtomicLong distinct = new AtomicLong();
    private final AtomicLong lastProgressMs = new AtomicLong(System.currentTimeMillis());
    private volatile long lastCaptureMs;
    private volatile boolean running = true;
    private long duplicated;
    private long reordered;
    private long duplicateEvents;
    private long otherEvents;

    public CaptureWatcher(String bootstrap, List<String> topics, List<String> dlqTopics, String run, TradeMix mix,
                          int capacity, long startMs, Semaphore sequential) {
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
        for (String topic : dlqTopics) {
            consumer.partitionsFor(topic).forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
        }
        this.dlqTopics = Set.copyOf(dlqTopics);
        this.poisonPrefix = (run + "-P").getBytes(StandardCharsets.US_ASCII);
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // fix the start before anything is sent
        this.mix = mix;
        this.intendedMs = new AtomicLongArray(capacity);
        this.capturedAtMs = new AtomicLongArray(capacity);
        this.partitionOf = new AtomicIntegerArray(capacity);
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

    /** Records the input partition op {@code index} went to (for per-partition capture gaps). */
    public void sentTo(int index, int partition) {
        partitionOf.set(index, partition);
    }

    private void accept(ConsumerRecord<String, byte[]> r) {
        if (dlqTopics.contains(r.topic())) {
            int at = find(r.value(), poisonPrefix, 0);
            if (at >= 0) {
                int e = at;
                while (e < r.value().length && r.value()[e] >= '0' && r.value()[e] <= '9') {
                    e++;
                }
                poisonInDlq.add(new String(r.value(), at, e - at, StandardCharsets.US_ASCII));
            } else {
                otherEvents++;
            }
            return;
        }
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
        if (op == TradeMix.POISON_SLOT) {
            // a poison record's number, consumed by its refusal: no event may carry it
            otherEvents++;
            return;
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
            if (duplicates.size() < 20) {
                // when the second CAPTURED came, and when the first did (seconds of the run)
                duplicates.add(new double[] {(r.timestamp() - startMs) / 1000.0, (capturedAtMs.get(op) - startMs) / 1000.0});
            }
            return;
        }
        Integer last = lastSequence.get(key);
        if (last != null && sequence < last) {
            reordered++;
        } else {
            lastSequence.put(key, sequence);
        }
        lastCaptureMs = r.timestamp();
        capturedAtMs.set(op, r.timestamp());
        distinct.incrementAndGet();
        lastProgressMs.set(System.currentTimeMillis());
        if (sequential != null) {
            sequential.release();
        }
        if (op < measureFrom) {
            return; // a warm-up trade: verified, not measured
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
    }

    /** Measures latency and throughput only from op {@code index} on, with time counted from {@code startMillis}. */
    public void measureFrom(int index, long startMillis) {
        this.startMs = startMillis;
        this.measureFrom = index;
    }

    private static final byte[] KEY = "\"partitionKey\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEQUENCE = "\"sequenceNumber\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STATUS = "\"status\":\"".getBytes(StandardCharsets.US_ASCII);

    /**
     * partitionKey, sequenceNumber, status: the first fields of every captured event, found by a
     * byte scan rather than a JSON parse, so the watcher takes as little of the machine's CPU from
     * the service under test as it can. The fields hold no escaped characters (ids are
     * [A-Za-z0-9.-], the status an enum name).
     */
    static String[] fields(byte[] json) {
        String[] out = new String[3];
        int at = find(json, KEY, 0);
        if (at < 0) {
            return out;
        }
        int end = indexOf(json, (byte) '"', at);
        out[0] = new String(json, at, end - at, StandardCharsets.US_ASCII);
        at = find(json, SEQUENCE, end);
        if (at >= 0) {
            int e = at;
            while (e < json.length && json[e] >= '0' && json[e] <= '9') {
                e++;
            }
            out[1] = e > at ? new String(json, at, e - at, StandardCharsets.US_ASCII) : null;
            end = e;
        }
        at = find(json, STATUS, end);
        if (at >= 0) {
            out[2] = new String(json, at, indexOf(json, (byte) '"', at) - at, StandardCharsets.US_ASCII);
        }
        return out;
    }

    /** The index just after {@code token} in {@code json} from {@code from}, or -1. */
    private static int find(byte[] json, byte[] token, int from) {
        outer:
        for (int i = from; i <= json.length - token.length; i++) {
            for (int j = 0; j < token.length; j++) {
                if (json[i + j] != token[j]) {
                    continue outer;
                }
            }
            return i + token.length;
        }
        return -1;
    }

    private static int indexOf(byte[] json, byte b, int from) {
        for (int i = from; i < json.length; i++) {
            if (json[i] == b) {
                return i;
            }
        }
        return json.length;
    }

    /** The first duplicated trades: {second CAPTURED at, first at}, in seconds of the run. */
    public List<double[]> duplicates() {
        return duplicates;
    }

    /** Distinct poison records (by their number) seen on the DLQ topics. */
    public int poisonInDlq() {
        return poisonInDlq.size();
    }

    public long intendedMs(int op) {
        return intendedMs.get(op);
    }

    /** The broker timestamp of op's first CAPTURED event, 0 if none came. */
    /** How many of ops {@code from}..{@code to - 1} were first captured after {@code ms}. */
    public long capturedAfter(int from, int to, long ms) {
        long n = 0;
        for (int op = from; op < Math.min(to, capturedAtMs.length()); op++) {
            if (capturedAtMs.get(op) > ms) {
                n++;
            }
        }
        return n;
    }

    public long capturedAtMs(int op) {
        return capturedAtMs.get(op);
    }

    public int partitionOf(int op) {
        return partitionOf.get(op);
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
