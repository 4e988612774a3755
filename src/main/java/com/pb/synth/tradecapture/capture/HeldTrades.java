package com.pb.synth.tradecapture.capture;

import com.pb.synth.tradecapture.config.CaptureConfig;
import com.pb.synth.tradecapture.metrics.ConsumerAssignment.PartitionsRevoked;
import com.pb.synth.tradecapture.config.InstanceId;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;

/**
 * Trades held for a sequence gap, by partition key, in this instance's memory. A batch or the gap
 * sweep takes (claims) a key's held trades before deciding them and puts back those still held, so
 * a held trade is only ever in one place. Nothing here is the only copy: a held trade's batch is
 * not acknowledged, so its offsets stay uncommitted and a restart or a new owner reads it again.
 */
@Singleton
public class HeldTrades {

    private final Map<String, List<CaptureItem>> byKey = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();
    private final CaptureConfig.Sequence config;

    public HeldTrades(CaptureConfig config, MeterRegistry registry, InstanceId instance) {
        this.config = config.sequence();
        Gauge.builder("capture.held.records", count, AtomicInteger::get).tag("region", config.region())
                .tag("instance", instance.value())
                .description("Trades held for a gap in their key's sequence numbers (their offsets are not committed)")
                .register(registry);
        // the limit, so an alert can say how near it the held count is (past it, the oldest gap is given up)
        Gauge.builder("capture.held.records.limit", this.config, CaptureConfig.Sequence::maxHeld).tag("region", config.region())
                .tag("instance", instance.value()).description("The most trades an instance holds (SEQUENCE_MAX_HELD)")
                .register(registry);
    }

    /** Takes every held trade of these keys. */
    public List<CaptureItem> claim(Collection<String> keys) {
        if (count.get() == 0) {
            return List.of();
        }
        List<CaptureItem> claimed = new ArrayList<>();
        for (String key : keys) {
            List<CaptureItem> items = byKey.remove(key);
            if (items != null) {
                claimed.addAll(items);
            }
        }
        count.addAndGet(-claimed.size());
        return claimed;
    }

    /**
     * Puts trades back (still held). Past {@code capture.sequence.max-held} the excess is marked as
     * timed out, so the next sweep sends it to exceptions rather than holding without bound.
     */
    public void putBack(List<CaptureItem> items) {
        for (CaptureItem item : items) {
            if (!item.record().ack().owns(item.record().partition())) {
                continue;  // revoked meanwhile: the new owner reads it again
            }
            CaptureItem kept = count.incrementAndGet() > config.maxHeld() ? item.heldAt(0) : item;
            byKey.compute(item.key(), (k, list) -> {
                List<CaptureItem> l = list == null ? new ArrayList<>(2) : list;
                l.add(kept);
                return l;
            });
        }
    }

    /** Takes the held trades of every key that has one whose gap timeout has passed. */
    public List<CaptureItem> claimExpired(long nowMillis) {
        long deadline = nowMillis - config.gapTimeout().toMillis();
        Set<String> keys = new HashSet<>();
        byKey.forEach((key, items) -> {
            for (CaptureItem item : items) {
                if (item.heldSince() <= deadline) {
                    keys.add(key);
                    break;
                }
            }
        });
        return claim(keys);
    }

    public boolean expired(CaptureItem item, long nowMillis) {
        return item.heldSince() != null && item.heldSince() <= nowMillis - config.gapTimeout().toMillis();
    }

    public int count() {
        return count.get();
    }

    /** A revoked partition's held trades are dropped: its new owner reads them again from the committed offset. */
    void revoked(@Observes PartitionsRevoked event) {
        Set<TopicPartition> gone = new HashSet<>(event.partitions());
        for (String key : List.copyOf(byKey.keySet())) {
            byKey.computeIfPresent(key, (k, items) -> {
                items.removeIf(i -> {
                    boolean drop = gone.contains(new TopicPartition(i.record().topic(), i.record().partition()));
                    if (drop) {
                        count.decrementAndGet();
                    }
                    return drop;
                });
                return items.isEmpty() ? null : items;
            });
        }
    }
}
