package com.pb.synth.tradecapture.deploy;

import static io.restassured.RestAssured.given;

import com.pb.synth.tradecapture.support.RealServers;
import com.pb.synth.tradecapture.support.ServiceTestBase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The endpoints the chart's probes ask (helm/…/templates/deployment.yaml) answer on the running service. */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
class HealthEndpointsIT extends ServiceTestBase {

    @Test
    void theStartupLivenessAndReadinessProbesPathsAnswerUp() {
        for (String path : new String[] {"/q/health/started", "/q/health/live", "/q/health/ready"}) {
            given().get(path).then().statusCode(200);
        }
    }
}
