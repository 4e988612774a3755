package com.pb.synth.tradecapture.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** The captured-event topic as a downstream reads it, narrowed to the keys a test owns. */
public final class CapturedEvents implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Topics.Reader reader;
    private final Set<String> keys;

    public CapturedEvents(String bootstrap, Collection<String> keys) {
        this.reader = new Topics.Reader(bootstrap, RealServers.CAPTURED);
        this.keys = Set.copyOf(keys);
    }

    /** Every event of the test's keys read so far, in topic order per partition. */
    public List<JsonNode> poll() {
        List<JsonNode> events = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : reader.poll()) {
            if (keys.contains(r.key())) {
                try {
                    events.add(JSON.readTree(r.value()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return events;
    }

    public long count(String status) {
        return poll().stream().filter(e -> status.equals(e.get("status").asText())).count();
    }

    public List<JsonNode> ofKey(String key) {
        return poll().stream().filter(e -> key.equals(e.get("partitionKey").asText())).toList();
    }

    @Override
    public void close() {
        reader.close();
    }
}
