package com.pb.synth.tradecapture.reference;

import com.pb.synth.tradecapture.config.CaptureConfig;
import com.pb.synth.tradecapture.domain.Account;
import com.pb.synth.tradecapture.domain.Book;
import com.pb.synth.tradecapture.domain.Security;
import com.pb.synth.tradecapture.domain.rules.CompiledRule;
import com.pb.synth.tradecapture.domain.rules.RuleCompiler;
import com.pb.synth.tradecapture.domain.rules.RuleEngine;
import com.pb.synth.tradecapture.rules.RuleRepository;
import com.pb.synth.tradecapture.rules.RulesChanged;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Reference data held in process as an immutable snapshot. Every {@code max-staleness} the instance
 * reads the database's reference-data version (one row, bumped by a trigger on every change, from
 * the admin API of any instance or by hand) and reloads when it moved, so a change is in use on
 * every instance within that bound. Capture waits for the first load: enriching against an empty
 * cache would mark every trade PARTIAL.
 */
@ApplicationScoped
public class ReferenceData {

    private static final Logger LOG = Logger.getLogger(ReferenceData.class);

    /** One consistent view of the three reference tables. */
    public record Snapshot(long version, Map<String, Security> securities, Map<String, Account> accounts,
                           Map<String, Book> books, List<CompiledRule> rules) {
    }

    private final ReferenceDataRepository repository;
    private final RuleRepository ruleRepository;
    private final CaptureConfig config;
    private volatile Snapshot snapshot;

    public ReferenceData(ReferenceDataRepository repository, RuleRepository ruleRepository, CaptureConfig config,
                         MeterRegistry registry) {
        this.repository = repository;
        this.ruleRepository = ruleRepository;
        this.config = config;
        // which reference-data version this instance enriches with (-1 before the first load): every
        // instance of a region shows the database's version within max-staleness of a change
        Gauge.builder("reference.data.version", this, r -> r.snapshot == null ? -1 : r.snapshot.version())
                .tag("region", config.region()).register(registry);
    }

    /** A rule was written on this instance: in force here before the write is answered. */
    void rulesChanged(@Observes RulesChanged event) {
        event.reloading(load());
    }

    /** Every max-staleness: reload when the database's reference-data version moved (a tick still running skips the next). */
    @Scheduled(every = "${capture.reference.max-staleness}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        return refreshIfChanged().onFailure().recoverWithNull().replaceWithVoid();
    }

    /** The rules in force, ready to run in {@link RuleEngine#ORDER}. A stored rule that no longer compiles is left out, loudly. */
    private static List<CompiledRule> compile(List<RuleRepository.StoredRule> stored) {
        List<CompiledRule> rules = new ArrayList<>(stored.size());
        for (RuleRepository.StoredRule r : stored) {
            try {
                rules.add(RuleCompiler.compile(r.definition(), r.version()));
            } catch (RuleCompiler.InvalidRule e) {
                LOG.errorf("rule %s v%d is stored but does not compile, so it is not applied: %s", r.ruleId(),
                        r.version(), e.getMessage());
            }
        }
        rules.sort(RuleEngine.ORDER);
        return List.copyOf(rules);
    }

    /** The current snapshot, loading it first if this instance has none yet. */
    public Uni<Snapshot> current() {
        Snapshot s = snapshot;
        return s != null ? Uni.createFrom().item(s) : load();
    }

    /** Reloads when the database's version differs from the loaded one. */
    Uni<Snapshot> refreshIfChanged() {
        return repository.version().flatMap(v -> {
            Snapshot s = snapshot;
            return s != null && s.version() == v ? Uni.createFrom().item(s) : load();
        });
    }

    /**
     * Reloads now; callers that change reference data use it to make their change visible at once.
     * The version is read before the tables: a change committed in between is newer than the version
     * kept, so the next check loads again, never the other way round.
     */
    public Uni<Snapshot> load() {
        return repository.version().flatMap(version -> Uni.combine().all()
                        .unis(repository.securities(), repository.accounts(), repository.books(), ruleRepository.current())
                        .with((securities, accounts, books, rules) -> new Snapshot(version, securities, accounts, books,
                                compile(rules))))
                .invoke(s -> {
                    snapshot = s;
                    LOG.debugf("reference data version %d: %d securities, %d accounts, %d books, %d rules",
                            s.version(), s.securities().size(), s.accounts().size(), s.books().size(), s.rules().size());
                })
                .onFailure().invoke(f -> LOG.warnf("reference data not loaded: %s", f.getMessage()));
    }
}
