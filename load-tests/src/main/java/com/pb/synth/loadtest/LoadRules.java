package com.pb.synth.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

/**
 * Puts a rule set (a JSON array of rules, e.g. load-tests/rules/realistic.json) into the service
 * through {@code POST /api/v1/rules}, one rule at a time; fails on the first rule refused.
 *
 * <p>Arguments: rules-file base-url bearer-token.
 */
public final class LoadRules {

    public static void main(String[] args) throws Exception {
        JsonNode rules = new ObjectMapper().readTree(Path.of(args[0]).toFile());
        HttpClient http = HttpClient.newHttpClient();
        for (JsonNode rule : rules) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(args[1] + "/api/v1/rules"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + args[2])
                    .POST(HttpRequest.BodyPublishers.ofString(rule.toString())).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 201) {
                System.err.println("rule " + rule.path("ruleId").asText() + " refused: " + response.statusCode() + " "
                        + response.body());
                System.exit(1);
            }
        }
        System.out.println("rules loaded: " + rules.size() + " from " + args[0]);
    }
}
