package com.pb.synth.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * What Kubernetes would do with a KEDA {@code ScaledObject} whose trigger is Kafka lag, as the chart
 * renders it: KEDA's Kafka scaler turns the group's lag into one metric, the HPA KEDA creates turns
 * that into a replica count with its tolerance, stabilization windows and scaling policies, and KEDA
 * itself scales between 0 and 1 on the activation threshold and cooldown. Pure: the caller gives the
 * time and the offsets; {@link #decide} returns the replicas the Deployment would be set to.
 *
 * <p>Followed here, from KEDA's Kafka scaler: a partition's lag is its end offset minus the group's
 * committed offset (the end offset itself when nothing is committed and {@code offsetResetPolicy} is
 * earliest; 1 with latest); with {@code allowIdleConsumers: false} the total is capped at
 * partitions × {@code lagThreshold}, so the count never exceeds the partitions; the trigger is active
 * while the total is above {@code activationLagThreshold}. From the HPA controller: an {@code AverageValue}
 * target of {@code lagThreshold} asks for ceil(lag / lagThreshold) replicas unless that is within 10%
 * of the current count; the scale-up window takes the lowest, the scale-down window the highest
 * recommendation of the window; each direction's policies bound the change against the count at the
 * start of their period ({@code selectPolicy} Max: the policy allowing most change); the result stays
 * within {@code minReplicaCount}..{@code maxReplicaCount}.
 */
public final class LagScalingRule {

    /** The HPA's default tolerance: a change of 10% or less is not acted on. */
    static final double TOLERANCE = 0.1;

    public record Policy(String type, int value, int periodSeconds) {
    }

    public record Direction(int stabilizationSeconds, String selectPolicy, List<Policy> policies) {
    }

    private final String group;
    private final String topic;
    private final int minReplicas;
    private final int maxReplicas;
    private final int pollingSeconds;
    private final int cooldownSeconds;
    private final long lagThreshold;
    private final long activationLagThreshold;
    private final boolean earliest;
    private final boolean allowIdleConsumers;
    private final Direction up;
    private final Direction down;

    private record Recommendation(long atMs, int replicas) {
    }

    private record Change(long atMs, int delta) {
    }

    private final Deque<Recommendation> recommendations = new ArrayDeque<>();
    private final List<Change> ups = new ArrayList<>();
    private final List<Change> downs = new ArrayList<>();
    private long lastActiveMs = Long.MIN_VALUE;

    LagScalingRule(String group, String topic, int minReplicas, int maxReplicas, int pollingSeconds, int cooldownSeconds,
                   long lagThreshold, long activationLagThreshold, boolean earliest, boolean allowIdleConsumers,
                   Direction up, Direction down) {
        if (lagThreshold <= 0) {
            throw new IllegalArgumentException("lagThreshold must be positive, not " + lagThreshold);
        }
        if (minReplicas < 0 || maxReplicas < Math.max(1, minReplicas)) {
            throw new IllegalArgumentException("replicas " + minReplicas + ".." + maxReplicas);
        }
        this.group = group;
        this.topic = topic;
        this.minReplicas = minReplicas;
        this.maxReplicas = maxReplicas;
        this.pollingSeconds = pollingSeconds;
        this.cooldownSeconds = cooldownSeconds;
        this.lagThreshold = lagThreshold;
        this.activationLagThreshold = activationLagThreshold;
        this.earliest = earliest;
        this.allowIdleConsumers = allowIdleConsumers;
        this.up = up;
        this.down = down;
    }

    /** The rule of a rendered {@code ScaledObject} (KEDA's and the HPA's defaults where it says nothing). */
    public static LagScalingRule of(JsonNode scaledObject) {
        JsonNode spec = scaledObject.path("spec");
        JsonNode trigger = null;
        for (JsonNode t : spec.path("triggers")) {
            if ("kafka".equals(t.path("type").asText())) {
                trigger = t.path("metadata");
            }
        }
        if (trigger == null) {
            throw new IllegalArgumentException("the ScaledObject has no kafka trigger");
        }
        JsonNode behavior = spec.path("advanced").path("horizontalPodAutoscalerConfig").path("behavior");
        return new LagScalingRule(trigger.path("consumerGroup").asText(), trigger.path("topic").asText(),
                spec.path("minReplicaCount").asInt(0), spec.path("maxReplicaCount").asInt(100),
                spec.path("pollingInterval").asInt(30), spec.path("cooldownPeriod").asInt(300),
                Long.parseLong(trigger.path("lagThreshold").asText("10")),
                Long.parseLong(trigger.path("activationLagThreshold").asText("0")),
                !"latest".equals(trigger.path("offsetResetPolicy").asText("latest")),
                Boolean.parseBoolean(trigger.path("allowIdleConsumers").asText("false")),
                direction(behavior.path("scaleUp"), 0, List.of(new Policy("Percent", 100, 15), new Policy("Pods", 4, 15))),
                direction(behavior.path("scaleDown"), 300, List.of(new Policy("Percent", 100, 15))));
    }

    private static Direction direction(JsonNode node, int window, List<Policy> defaults) {
        List<Policy> policies = new ArrayList<>();
        for (JsonNode p : node.path("policies")) {
            policies.add(new Policy(p.path("type").asText(), p.path("value").asInt(), p.path("periodSeconds").asInt()));
        }
        return new Direction(node.path("stabilizationWindowSeconds").asInt(window), node.path("selectPolicy").asText("Max"),
                policies.isEmpty() ? defaults : policies);
    }

    /** KEDA's lag metric of one partition: end minus committed, or the whole partition when nothing is committed. */
    long partitionLag(long endOffset, long committedOffset) {
        if (committedOffset < 0) {
            return earliest ? endOffset : 1;
        }
        return Math.max(0, endOffset - committedOffset);
    }

    /** KEDA's metric: the partitions' lag summed, capped at partitions × threshold unless idle consumers are allowed. */
    long metric(long[] partitionLags) {
        long total = 0;
        for (long l : partitionLags) {
            total += l;
        }
        if (!allowIdleConsumers && total / lagThreshold > partitionLags.length) {
            total = partitionLags.length * lagThreshold;
        }
        return total;
    }

    /**
     * One evaluation at {@code nowMs} with the current replica count and each partition's lag: the
     * replicas the Deployment is set to (equal to {@code current} when nothing changes).
     */
    public int decide(long nowMs, int current, long[] partitionLags) {
        long raw = 0;
        for (long l : partitionLags) {
            raw += l;
        }
        boolean active = raw > activationLagThreshold;
        if (active || lastActiveMs == Long.MIN_VALUE) {
            lastActiveMs = nowMs;
        }
        if (current == 0) {
            // KEDA, not the HPA, wakes a workload scaled to zero
            return active ? record(nowMs, 0, Math.max(1, minReplicas)) : 0;
        }
        if (minReplicas == 0 && !active && nowMs - lastActiveMs >= cooldownSeconds * 1000L) {
            return record(nowMs, current, 0);
        }
        long metric = metric(partitionLags);
        int desired = current;
        double ratio = (double) metric / ((double) lagThreshold * current);
        if (Math.abs(1.0 - ratio) > TOLERANCE) {
            desired = (int) Math.min(Integer.MAX_VALUE, (metric + lagThreshold - 1) / lagThreshold);
        }
        int stabilized = stabilize(nowMs, current, desired);
        return record(nowMs, current, bound(nowMs, current, stabilized));
    }

    private int stabilize(long nowMs, int current, int desired) {
        long upCutoff = nowMs - up.stabilizationSeconds() * 1000L;
        long downCutoff = nowMs - down.stabilizationSeconds() * 1000L;
        int upRecommendation = desired;
        int downRecommendation = desired;
        for (Recommendation r : recommendations) {
            if (r.atMs() > upCutoff) {
                upRecommendation = Math.min(upRecommendation, r.replicas());
            }
            if (r.atMs() > downCutoff) {
                downRecommendation = Math.max(downRecommendation, r.replicas());
            }
        }
        recommendations.addLast(new Recommendation(nowMs, desired));
        long oldest = Math.min(upCutoff, downCutoff);
        while (!recommendations.isEmpty() && recommendations.peekFirst().atMs() <= oldest) {
            recommendations.pollFirst();
        }
        int recommendation = current;
        if (recommendation < upRecommendation) {
            recommendation = upRecommendation;
        }
        if (recommendation > downRecommendation) {
            recommendation = downRecommendation;
        }
        return recommendation;
    }

    private int bound(long nowMs, int current, int desired) {
        int floor = Math.max(minReplicas, 1);
        if (desired > current) {
            int limit = Math.max(current, limit(nowMs, current, up, true));
            return Math.min(desired, Math.min(maxReplicas, limit));
        }
        if (desired < current) {
            int limit = Math.min(current, limit(nowMs, current, down, false));
            return Math.max(desired, Math.max(floor, limit));
        }
        return Math.max(floor, Math.min(maxReplicas, desired));
    }

    /** The furthest the policies let the count go from the count at the start of each policy's period. */
    private int limit(long nowMs, int current, Direction d, boolean scalingUp) {
        if ("Disabled".equals(d.selectPolicy())) {
            return current;
        }
        boolean mostChange = !"Min".equals(d.selectPolicy());
        int result = scalingUp == mostChange ? Integer.MIN_VALUE : Integer.MAX_VALUE;
        for (Policy p : d.policies()) {
            long cutoff = nowMs - p.periodSeconds() * 1000L;
            int start = current - changed(ups, cutoff) + changed(downs, cutoff);
            int proposed;
            if ("Pods".equals(p.type())) {
                proposed = scalingUp ? start + p.value() : start - p.value();
            } else {
                proposed = scalingUp ? (int) Math.ceil(start * (1 + p.value() / 100.0))
                        : (int) (start * (1 - p.value() / 100.0));
            }
            result = scalingUp == mostChange ? Math.max(result, proposed) : Math.min(result, proposed);
        }
        return result;
    }

    private static int changed(List<Change> changes, long cutoff) {
        int n = 0;
        for (Change c : changes) {
            if (c.atMs() > cutoff) {
                n += c.delta();
            }
        }
        return n;
    }

    private int record(long nowMs, int current, int next) {
        if (next > current) {
            ups.add(new Change(nowMs, next - current));
        } else if (next < current) {
            downs.add(new Change(nowMs, current - next));
        }
        long keep = nowMs - 3_600_000L;
        ups.removeIf(c -> c.atMs() < keep);
        downs.removeIf(c -> c.atMs() < keep);
        return next;
    }

    public String group() {
        return group;
    }

    public String topic() {
        return topic;
    }

    public int minReplicas() {
        return minReplicas;
    }

    public int maxReplicas() {
        return maxReplicas;
    }

    public int pollingSeconds() {
        return pollingSeconds;
    }

    public long lagThreshold() {
        return lagThreshold;
    }

    @Override
    public String toString() {
        return "group " + group + ", topic " + topic + ", replicas " + minReplicas + ".." + maxReplicas + ", lagThreshold "
                + lagThreshold + ", activation " + activationLagThreshold + ", polling " + pollingSeconds + " s, cooldown "
                + cooldownSeconds + " s, up " + up + ", down " + down;
    }
}
