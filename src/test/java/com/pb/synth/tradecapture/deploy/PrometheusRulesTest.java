package com.pb.synth.tradecapture.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.pb.synth.tradecapture.support.Commands;
import com.pb.synth.tradecapture.support.Commands.Result;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/monitoring/rules.yml with Prometheus's own tool: {@code promtool check rules}, and
 * {@code promtool test rules} on rules-test.yml, which holds a case for every recording rule and
 * alert (each alert firing and held back). Debian's prometheus package brings promtool; it is
 * installed when missing.
 */
public class PrometheusRulesTest {

    static final Path MONITORING = Path.of("deploy/monitoring");

    @BeforeAll
    static void promtool() throws Exception {
        Commands.require("promtool", "prometheus");
    }

    @Test
    void theRulesAreValid() throws Exception {
        Result check = run(List.of("promtool", "check", "rules", MONITORING.resolve("rules.yml").toString()), 60);
        assertThat(check.exit()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS");
    }

    @Test
    void everyRecordingRuleAndAlertPassesItsUnitTest() throws Exception {
        Result test = run(List.of("promtool", "test", "rules", MONITORING.resolve("rules-test.yml").toString()), 120);
        assertThat(test.exit()).as(test.output()).isZero();
        assertThat(test.output()).contains("SUCCESS").doesNotContain("FAILED");
    }

    private static Result run(List<String> command, int seconds) throws Exception {
        return Commands.run(Path.of("."), command, seconds);
    }
}
