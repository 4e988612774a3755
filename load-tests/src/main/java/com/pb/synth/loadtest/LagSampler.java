package com.pb.synth.loadtest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Samples the service's consumer lag once a second: for each region's group, the end offsets of
 * its input topic minus the group's committed offsets, summed.
 */
public final class LagSampler implements Runnable {

    private final Admin admin;
    private final Map<String, String> groupByTopic;
    private final List<long[]> samples = new ArrayList<>(); // {elapsed ms, lag}
    private final List<Assignment> assignments = new ArrayList<>();
    private volatile long startMs;
    private volatile boolean running = true;
    private volatile long latest;

    public LagSampler(String bootstrap, Map<String, String> groupByTopic, long startMs) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        this.admin = Admin.create(p);
        this.groupByTopic = groupByTopic;
        this.startMs = startMs;
    }

    @Override
    public void run() {
        try {
            while (running) {
                long t = System.currentTimeMillis();
                try {
                    latest = lag();
                    synchronized (samples) {
                        samples.add(new long[] {t - startMs, latest});
                    }
                } catch (Exception e) {
                    // a sample missed: the broker is busy; the next one will do
                }
                try {
                    sampleAssignment(t);
                } catch (Exception e) {
                    // as above
                }
                long wait = 1000 - (System.currentTimeMillis() - t);
                if (wait > 0) {
                    Thread.sleep(wait);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            admin.close();
        }
    }

    public long lag() throws Exception {
        long total = 0;
        for (var e : groupByTopic.entrySet()) {
            for (long[] o : offsets(admin, e.getKey(), e.getValue()).values()) {
                total += o[0] - Math.max(0, o[1]);
            }
        }
        return total;
    }

    /**
     * Per partition of the topic: {end offset, the group's committed offset or -1 when it has none},
     * as {@code kafka-consumer-groups --describe} and KEDA's Kafka scaler read them.
     */
    static Map<TopicPartition, long[]> offsets(Admin admin, String topic, String group) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic).partitions()
                .forEach(pi -> request.put(new TopicPartition(topic, pi.partition()), OffsetSpec.latest()));
        var ends = admin.listOffsets(request).all().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, long[]> out = new TreeMap<>(java.util.Comparator.comparingInt(TopicPartition::partition));
        for (var end : ends.entrySet()) {
            OffsetAndMetadata c = committed.get(end.getKey());
            out.put(end.getKey(), new long[] {end.getValue().offset(), c == null ? -1 : c.offset()});
        }
        return out;
    }

    /**
     * The groups' members and their partitions, as {@code kafka-consumer-groups --describe --members
     * --verbose} shows them; kept each time it changes.
     */
    private void sampleAssignment(long now) throws Exception {
        Map<String, List<Integer>> view = new TreeMap<>();
        var described = admin.describeConsumerGroups(List.copyOf(groupByTopic.values())).all().get(5, TimeUnit.SECONDS);
        for (var group : described.values()) {
            for (MemberDescription m : group.members()) {
                List<Integer> parts = new ArrayList<>();
                m.assignment().topicPartitions().forEach(tp -> parts.add(tp.partition()));
                parts.sort(null);
                view.put(m.groupInstanceId().orElse(m.clientId()) + "@" + m.host(), parts);
            }
        }
        synchronized (assignments) {
            if (assignments.isEmpty() || !assignments.get(assignments.size() - 1).members().equals(view)) {
                assignments.add(new Assignment(now, view));
            }
        }
    }

    /** One state of the groups: when it was first seen, and each member's partitions. */
    public record Assignment(long atMs, Map<String, List<Integer>> members) {
    }

    public List<Assignment> assignments() {
        synchronized (assignments) {
            return new ArrayList<>(assignments);
        }
    }

    /** Forgets the samples so far and counts time from {@code startMillis} (after a warm-up). */
    public void restart(long startMillis) {
        synchronized (samples) {
            samples.clear();
            startMs = startMillis;
        }
    }

    public long latest() {
        return latest;
    }

    public List<long[]> samples() {
        synchronized (samples) {
            return new ArrayList<>(samples);
        }
    }

    public void stop() {
        running = false;
    }
}
