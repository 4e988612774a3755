package com.pb.synth.tradecapture.rules;

import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;

/**
 * A rule version was stored. Fired synchronously by {@link RuleApi}; whoever holds the rules in
 * force (the reference-data snapshot) hands back its reload, and the API answers once every reload
 * is done, so a written rule is in force on this instance when the call returns. The other
 * instances load it within {@code capture.reference.max-staleness}.
 */
public final class RulesChanged {

    private final List<Uni<Void>> reloads = new ArrayList<>();

    /** An observer's reload, run before the API answers. */
    public void reloading(Uni<?> reload) {
        reloads.add(reload.replaceWithVoid());
    }

    Uni<Void> reloaded() {
        return reloads.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(reloads).andFailFast().replaceWithVoid();
    }
}
