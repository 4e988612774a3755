package com.pb.synth.tradecapture.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.pb.synth.tradecapture.support.Commands;
import com.pb.synth.tradecapture.support.Commands.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The chart's rules as each region's PrometheusRule renders them (files/rules.yml, the runbook links,
 * the region's own absence alert), checked with Prometheus's own tool: {@code promtool check rules}
 * per region, and {@code promtool test rules} on src/test/resources/monitoring/rules-test.yml, which
 * holds a case for every recording rule and alert (each alert firing and held back) against region
 * us's. Debian's prometheus package brings promtool; it is installed when missing.
 */
public class PrometheusRulesTest {

    static final Path WORK = Path.of("target", "monitoring");
    private static final YAMLMapper YAML = new YAMLMapper();

    @BeforeAll
    static void promtool() throws Exception {
        Commands.require("promtool", "prometheus");
    }

    /** The rules file Prometheus would load for {@code region}: the spec of its PrometheusRule. */
    public static Path renderedRules(String region) throws IOException {
        return renderedRules(region, true);
    }

    /** The same, with the rules every region shares or ({@code shared} false) only the region's own. */
    public static Path renderedRules(String region, boolean shared) throws IOException {
        List<JsonNode> docs = HelmChartTest.render(region, c -> c.set("prometheusRule.enabled", "true")
                .set("prometheusRule.sharedRules", Boolean.toString(shared)));
        JsonNode rule = docs.stream().filter(d -> "PrometheusRule".equals(d.get("kind").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no PrometheusRule rendered"));
        Files.createDirectories(WORK);
        Path file = WORK.resolve("rules-" + region + (shared ? "" : "-own") + ".yml");
        YAML.writeValue(file.toFile(), rule.get("spec"));
        return file;
    }

    @ParameterizedTest
    @ValueSource(strings = {"us", "emea", "apac"})
    void eachRegionsRenderedRulesAreValid(String region) throws Exception {
        Path rules = renderedRules(region);
        Result check = run(List.of("promtool", "check", "rules", rules.toString()), 60);
        assertThat(check.exit()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS");
        assertThat(Files.readString(rules)).contains("region=\\\"" + region + "\\\"");
    }

    @Test
    void everyRecordingRuleAndAlertPassesItsUnitTest() throws Exception {
        renderedRules("us");
        Path test = WORK.resolve("rules-test.yml");
        Files.copy(Path.of("src/test/resources/monitoring/rules-test.yml"), test, StandardCopyOption.REPLACE_EXISTING);
        Result result = run(List.of("promtool", "test", "rules", test.toString()), 120);
        assertThat(result.exit()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS").doesNotContain("FAILED");
        // every alert of the rendered rules has a case where it fires and one where it is held back
        java.util.Set<String> firing = new java.util.TreeSet<>();
        java.util.Set<String> heldBack = new java.util.TreeSet<>();
        for (JsonNode t : YAML.readTree(test.toFile()).get("tests")) {
            for (JsonNode a : t.path("alert_rule_test")) {
                (a.path("exp_alerts").isEmpty() ? heldBack : firing).add(a.get("alertname").asText());
            }
        }
        for (JsonNode group : YAML.readTree(WORK.resolve("rules-us.yml").toFile()).get("groups")) {
            for (JsonNode r : group.get("rules")) {
                if (r.has("alert")) {
                    assertThat(firing).as("a case where it fires").contains(r.get("alert").asText());
                    assertThat(heldBack).as("a case where it is held back").contains(r.get("alert").asText());
                }
            }
        }
    }

    private static Result run(List<String> command, int seconds) throws Exception {
        return Commands.run(Path.of("."), command, seconds);
    }
}
