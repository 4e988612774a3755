package com.pb.synth.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The KEDA-and-HPA rule on hand-computed cases (the expected counts follow the controllers' formulas). */
class LagScalingRuleTest {

    private static final String SCALED_OBJECT = """
            apiVersion: keda.sh/v1alpha1
            kind: ScaledObject
            spec:
              minReplicaCount: %d
              maxReplicaCount: 5
              pollingInterval: 5
              cooldownPeriod: 30
              advanced:
                horizontalPodAutoscalerConfig:
                  behavior:
                    scaleDown:
                      stabilizationWindowSeconds: 30
                      policies:
                        - {type: Percent, value: 50, periodSeconds: 60}
                    scaleUp:
                      stabilizationWindowSeconds: 0
                      policies:
                        - {type: Percent, value: 100, periodSeconds: 60}
                        - {type: Pods, value: 2, periodSeconds: 60}
                      selectPolicy: Max
              triggers:
                - type: kafka
                  metadata:
                    consumerGroup: g
                    topic: t
                    lagThreshold: "2000"
                    activationLagThreshold: "200"
                    offsetResetPolicy: earliest
                    allowIdleConsumers: "false"
            """;

    private static LagScalingRule rule(int min) throws Exception {
        JsonNode node = new YAMLMapper().readTree(SCALED_OBJECT.formatted(min));
        return LagScalingRule.of(node);
    }

    private static long[] spread(long total, int partitions) {
        long[] lags = new long[partitions];
        Arrays.fill(lags, total / partitions);
        lags[0] += total % partitions;
        return lags;
    }

    @Test
    void aBacklogScalesUpWithinTheUpPoliciesAndDownAfterTheWindowByHalf() throws Exception {
        LagScalingRule r = rule(1);
        // 100,000 behind over 12 partitions: capped at 12 x 2,000, so 12 wanted; 1 -> 3 (2 pods or 100% a minute)
        assertEquals(3, r.decide(0, 1, spread(100_000, 12)));
        // within the same minute the period started at 1: still 3
        assertEquals(3, r.decide(5_000, 3, spread(100_000, 12)));
        // a minute on: from 3, +2 pods or +100% = 6, held at the maximum 5
        assertEquals(5, r.decide(61_000, 3, spread(100_000, 12)));
        // caught up: the scale-down window still holds the recommendation of 12 at 61 s
        assertEquals(5, r.decide(70_000, 5, spread(0, 12)));
        assertEquals(5, r.decide(90_000, 5, spread(0, 12)));
        // 30 s without a higher recommendation: down by at most half of the count at the period's start (3 + 2 = 5 ... minus the 2 added = 3 -> 1)
        assertEquals(1, r.decide(95_000, 5, spread(0, 12)));
    }

    @Test
    void aScaleDownIsBoundByHalfOfTheCountAtThePeriodsStart() throws Exception {
        LagScalingRule r = rule(1);
        assertEquals(4, r.decide(0, 4, spread(8_000, 12)));
        // lag gone: after the window, 4 -> 2 (50%), and within the minute no further
        assertEquals(4, r.decide(10_000, 4, spread(0, 12)));
        assertEquals(2, r.decide(41_000, 4, spread(0, 12)));
        assertEquals(2, r.decide(60_000, 2, spread(0, 12)));
        // a minute after the first step: 2 -> 1
        assertEquals(1, r.decide(102_000, 2, spread(0, 12)));
    }

    @Test
    void aChangeWithinTheToleranceIsNotActedOn() throws Exception {
        LagScalingRule r = rule(1);
        // 4,300 for 2 replicas at 2,000 each: 7.5% over, within the 10% tolerance
        assertEquals(2, r.decide(0, 2, spread(4_300, 12)));
        // 4,500: 12.5% over -> ceil(4500 / 2000) = 3
        assertEquals(3, r.decide(1_000, 2, spread(4_500, 12)));
    }

    @Test
    void theMetricIsCappedAtPartitionsTimesTheThresholdAndUncommittedPartitionsCountWhole() throws Exception {
        LagScalingRule r = rule(1);
        assertEquals(6_000, r.metric(new long[] {1_000_000, 0, 5}));
        assertEquals(3_000, r.metric(new long[] {1_000, 2_000, 0}));
        assertEquals(750, r.partitionLag(750, -1));
        assertEquals(250, r.partitionLag(750, 500));
        assertEquals(0, r.partitionLag(500, 750));
    }

    @Test
    void withAMinimumOfZeroKedaScalesToZeroAfterTheCooldownAndWakesOnActivation() throws Exception {
        LagScalingRule r = rule(0);
        assertEquals(1, r.decide(0, 1, spread(100, 4)));        // below activation (200), cooldown not over
        assertEquals(1, r.decide(29_000, 1, spread(100, 4)));
        assertEquals(0, r.decide(31_000, 1, spread(100, 4)));   // 30 s inactive
        assertEquals(0, r.decide(40_000, 0, spread(200, 4)));   // not above 200
        assertEquals(1, r.decide(45_000, 0, spread(201, 4)));   // active: KEDA sets 1
    }

    @Test
    void defaultsApplyWhereTheScaledObjectIsSilentAndAThresholdOfZeroIsRefused() throws Exception {
        YAMLMapper yaml = new YAMLMapper();
        LagScalingRule r = LagScalingRule.of(yaml.readTree("""
                spec:
                  maxReplicaCount: 10
                  triggers: [{type: kafka, metadata: {consumerGroup: g, topic: t, lagThreshold: "100"}}]
                """));
        // the HPA's default scale-up: 100% or 4 pods per 15 s, whichever is more: 1 -> 5
        assertEquals(5, r.decide(0, 1, spread(5_000, 10)));
        assertThrows(IllegalArgumentException.class, () -> LagScalingRule.of(yaml.readTree("""
                spec:
                  triggers: [{type: kafka, metadata: {consumerGroup: g, topic: t, lagThreshold: "0"}}]
                """)));
    }
}
