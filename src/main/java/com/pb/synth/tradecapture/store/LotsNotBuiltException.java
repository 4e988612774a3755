package com.pb.synth.tradecapture.store;

import java.util.Set;

/** Keys a transaction would change whose lot books are not built yet: build them, then run it again. */
public class LotsNotBuiltException extends RuntimeException {

    private final Set<String> keys;

    public LotsNotBuiltException(Set<String> keys) {
        super(keys.size() + " key(s) without a lot book yet", null, false, false);
        this.keys = Set.copyOf(keys);
    }

    public Set<String> keys() {
        return keys;
    }
}
