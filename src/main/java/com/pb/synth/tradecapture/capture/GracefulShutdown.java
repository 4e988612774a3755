package com.pb.synth.tradecapture.capture;

import com.pb.synth.tradecapture.config.CaptureConfig;
import com.pb.synth.tradecapture.config.ConsumerGroupSettings;
import com.pb.synth.tradecapture.metrics.ConsumerAssignment;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberToRemove;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * SIGTERM, in order: the input consumers stop fetching (partitions assigned from then on too); the
 * batches already in capture finish (one that would wait to retry is given up), while batches fetched
 * but not started are left unacknowledged for the partitions' next owner to read again (the drain
 * lasts at most {@code capture.shutdown.drain-timeout});
 * then the connector commits and closes its consumers (a dynamic member leaves the group on close);
 * then, for static members, which keep their partitions through a close so that a quick restart
 * moves nothing, this instance removes its members from the group, so that their partitions go to
 * the instances that stay at once rather than after a session timeout (a scale-in).
 *
 * <p>The event producer, Redis and the database close after this drain (their own shutdown
 * observers run later), so the last batches can still publish and release.
 */
@ApplicationScoped
public class GracefulShutdown {

    private static final Logger LOG = Logger.getLogger(GracefulShutdown.class);

    private final CapturePipeline pipeline;
    private final ConsumerAssignment assignment;
    private final KafkaClientService clients;
    private final ConsumerGroupSettings groupSettings;
    private final CaptureConfig config;
    private final String groupId;
    private final int consumers;
    private final Map<String, Object> kafkaConfig;

    @Inject
    public GracefulShutdown(CapturePipeline pipeline, @Identifier("capture-rebalance") ConsumerAssignment assignment,
                            KafkaClientService clients, ConsumerGroupSettings groupSettings,
                            CaptureConfig config,
                            @ConfigProperty(name = "mp.messaging.incoming.trades-in.group.id") String groupId,
                            @ConfigProperty(name = "mp.messaging.incoming.trades-in.concurrency", defaultValue = "1")
                            int consumers,
                            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        this.pipeline = pipeline;
        this.assignment = assignment;
        this.clients = clients;
        this.groupSettings = groupSettings;
        this.config = config;
        this.groupId = groupId;
        this.consumers = consumers;
        this.kafkaConfig = kafkaConfig;
    }

    /** First of the shutdown observers: before the event producer closes. */
    void drain(@Observes @Priority(100) ShutdownEvent event) {
        long start = System.nanoTime();
        assignment.stopFetching();
        pipeline.stop();
        for (String channel : clients.getConsumerChannels()) {
            if (ConsumerGroupSettings.isInputChannel(channel)) {
                try {
                    clients.getConsumer(channel).pause().await().atMost(Duration.ofSeconds(5));
                } catch (RuntimeException e) {
                    LOG.warnf("could not pause consumer %s before shutdown: %s", channel, e.getMessage());
                }
            }
        }
        long deadline = start + config.shutdown().drainTimeout().toNanos();
        while (System.nanoTime() < deadline && pipeline.inFlight() > 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (pipeline.inFlight() > 0) {
            LOG.warnf("shutdown: %d batch(es) still in capture after %d ms; their records are read again by the "
                    + "partitions' next owner", pipeline.inFlight(), ms);
        } else {
            LOG.infof("shutdown: fetching stopped and the batches in flight captured in %d ms", ms);
        }
    }

    /** After the connector closed its consumers (its own observer has priority 50). */
    void leaveGroup(@Observes @Priority(60) @BeforeDestroyed(jakarta.enterprise.context.ApplicationScoped.class)
                    Object event) {
        if (!config.kafka().leaveGroupOnShutdown()) {
            return;
        }
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= Math.max(1, consumers); i++) {
            groupSettings.groupInstanceId(i).ifPresent(ids::add);
        }
        if (ids.isEmpty()) {
            return;
        }
        List<MemberToRemove> members = ids.stream().map(MemberToRemove::new).toList();
        Map<String, Object> adminConfig = new HashMap<>(kafkaConfig);
        adminConfig.put("client.id", "pb-synth-tradecapture-shutdown");
        adminConfig.put("request.timeout.ms", 5000);
        adminConfig.put("default.api.timeout.ms", 8000);
        try (Admin admin = Admin.create(adminConfig)) {
            admin.removeMembersFromConsumerGroup(groupId, new RemoveMembersFromConsumerGroupOptions(members))
                    .all().get(10, TimeUnit.SECONDS);
            LOG.infof("shutdown: static members %s left group %s", ids, groupId);
        } catch (Exception e) {
            LOG.warnf("shutdown: static members could not leave group %s (their partitions move after the session "
                    + "timeout): %s", groupId, e.getMessage());
        }
    }
}
