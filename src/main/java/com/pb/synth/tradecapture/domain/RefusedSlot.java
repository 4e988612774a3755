package com.pb.synth.tradecapture.domain;

/**
 * The place in its key's sequence of a record that was refused (at parse, validation, enrichment or
 * store time) but whose key and sequence number could be read. It arrived, so its number is not a
 * gap: it is decided in sequence order like a trade (held while numbers before it are missing), and
 * deciding it moves the key's sequence past it.
 */
public record RefusedSlot(String key, long sequence) implements Sequenced {

    public RefusedSlot {
        if (key == null || sequence < 0) {
            throw new IllegalArgumentException("a refused slot needs a key and a sequence number >= 0");
        }
    }

    @Override
    public String sequenceKey() {
        return key;
    }

    @Override
    public Long sequenceNumber() {
        return sequence;
    }

    /** The slot of a trade refused after it was read, when it carries a sequence number. */
    public static RefusedSlot of(Trade trade) {
        return trade == null || trade.sequenceNumber() == null ? null
                : new RefusedSlot(trade.key().value(), trade.sequenceNumber());
    }
}
