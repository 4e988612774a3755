package com.pb.synth.tradecapture.capture;

import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The acknowledgement of one poll batch, per partition: a partition's part is acknowledged (its
 * offsets become committable) once the batch is captured and every record of that partition the
 * batch held for a sequence gap is resolved. A part whose partition was revoked meanwhile is never
 * acknowledged: the new owner reads those records again.
 */
public final class BatchAck {

    /** For records that came from no Kafka batch. */
    public static final BatchAck NONE = new BatchAck(Map.of());

    /** One partition's acknowledgement and whether this consumer still owns it since the batch was polled. */
    public record Part(Supplier<CompletionStage<Void>> ack, BooleanSupplier stillOwned) {
    }

    private final Map<Integer, Part> parts;
    private final Map<Integer, AtomicInteger> pending;

    public BatchAck(Map<Integer, Part> parts) {
        this.parts = parts;
        this.pending = new java.util.HashMap<>(parts.size() * 2);
        parts.keySet().forEach(p -> pending.put(p, new AtomicInteger(1)));
    }

    /** A record of this partition is held: its part waits for it. */
    public void hold(int partition) {
        AtomicInteger n = pending.get(partition);
        if (n != null) {
            n.incrementAndGet();
        }
    }

    /** True while this consumer still owns the partition it polled the batch's records of. */
    public boolean owns(int partition) {
        Part part = parts.get(partition);
        return part == null || part.stillOwned().getAsBoolean();
    }

    /** A held record of this partition is resolved (captured or set aside). */
    public void resolved(int partition) {
        done(partition);
    }

    /** The batch itself is captured: every part without held records is acknowledged now. */
    public Uni<Void> captured() {
        List<Uni<Void>> acks = new ArrayList<>(parts.size());
        for (Integer partition : parts.keySet()) {
            CompletionStage<Void> ack = done(partition);
            if (ack != null) {
                acks.add(Uni.createFrom().completionStage(ack));
            }
        }
        return acks.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(acks).andFailFast().replaceWithVoid();
    }

    private CompletionStage<Void> done(int partition) {
        AtomicInteger n = pending.get(partition);
        if (n == null || n.decrementAndGet() != 0) {
            return null;
        }
        Part part = parts.get(partition);
        return part.stillOwned().getAsBoolean() ? part.ack().get() : null;
    }
}
