package com.pb.synth.tradecapture.health;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.health.api.HealthRegistry;
import io.smallrye.health.registry.HealthRegistries;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * The capture health group ({@code /q/health/group/capture} on the management port): whether this
 * instance captures — its consumers in the group, no stalled partition, and Kafka, Redis and the
 * database answering. Readiness says only that it serves HTTP, so an outage of a dependency every
 * pod shares pauses capture without taking rebooking, queries and the console out of the Service.
 *
 * <p>The dependency checks come from their Quarkus extensions, which make them readiness checks.
 * Each one switched off for readiness in the configuration
 * ({@code quarkus.smallrye-health.check."<class>".enabled=false}) is registered here, in the capture
 * group, instead: one list, in application.properties, says which checks moved.
 */
@ApplicationScoped
public class CaptureHealth {

    public static final String GROUP = "capture";

    private static final Logger LOG = Logger.getLogger(CaptureHealth.class);
    private static final Pattern SWITCH = Pattern.compile("quarkus\\.smallrye-health\\.check\\.\"?([^\"]+)\"?\\.enabled");

    void start(@Observes StartupEvent event, @Readiness Instance<HealthCheck> readiness, Config config) {
        Set<String> moved = moved(config);
        HealthRegistry group = HealthRegistries.getHealthGroupRegistry(GROUP);
        Set<String> registered = new TreeSet<>();
        for (HealthCheck check : readiness) {
            String name = checkClass(check, moved);
            if (name != null) {
                // under an id and a class of its own: the registry applies the same switches, by id, and
                // the one that keeps the extension's check out of readiness must not find it here
                // the extensions' checks block (readiness runs them on a worker): so here too
                group.register(GROUP + ":" + name, (AsyncHealthCheck) () -> Uni.createFrom().item(check::call)
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()));
                registered.add(name);
            }
        }
        LOG.debugf("capture health: dependency checks %s", registered);
    }

    /** The classes whose readiness checks the configuration switched off. */
    static Set<String> moved(Config config) {
        Set<String> moved = new TreeSet<>();
        for (String property : config.getPropertyNames()) {
            Matcher m = SWITCH.matcher(property);
            if (m.matches() && !config.getOptionalValue(property, Boolean.class).orElse(true)) {
                moved.add(m.group(1));
            }
        }
        return moved;
    }

    /** The check's class (or, for a CDI proxy, the class it stands for) when it is one of {@code moved}. */
    private static String checkClass(HealthCheck check, Set<String> moved) {
        for (Class<?> c = check.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            if (moved.contains(c.getName())) {
                return c.getName();
            }
        }
        return null;
    }
}
