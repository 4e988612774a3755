package com.pb.synth.tradecapture.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/docker-compose.scale.yml} (no container engine here, so read as YAML): its regions'
 * profiles, services and environment against the service's own configuration, and its instances'
 * names against {@code deploy/nginx.conf}'s upstreams.
 */
class ComposeFileTest {

    private static final List<String> REGIONS = List.of("us", "emea", "apac");

    private static JsonNode compose() throws IOException {
        return new ObjectMapper(new YAMLFactory()).readTree(Path.of("deploy/docker-compose.scale.yml").toFile());
    }

    private static List<String> nginxUpstreams() throws IOException {
        List<String> hosts = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\s*server\\s+([\\w.-]+):8080\\b").matcher(
                Files.readString(Path.of("deploy/nginx.conf")));
        while (m.find()) {
            hosts.add(m.group(1));
        }
        return hosts;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void eachRegionsInstancesAreNginxsUpstreamsOnTheRegionsNetwork() throws IOException {
        JsonNode services = compose().get("services");
        List<String> upstreams = nginxUpstreams();
        assertThat(upstreams).isNotEmpty();
        for (String region : REGIONS) {
            Set<String> aliases = new TreeSet<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> s = it.next();
                JsonNode net = s.getValue().path("networks").path(region);
                if (s.getKey().startsWith("trade-capture-" + region + "-") && !net.isMissingNode()) {
                    assertThat(texts(s.getValue().get("profiles"))).as(s.getKey()).containsExactly(region);
                    aliases.addAll(texts(net.get("aliases")));
                }
            }
            assertThat(aliases).as(region + " instances' names on the " + region + " network")
                    .containsExactlyInAnyOrderElementsOf(upstreams);
            JsonNode nginx = services.get("nginx-" + region);
            assertThat(nginx).as("nginx-" + region).isNotNull();
            assertThat(texts(nginx.get("profiles"))).containsExactly(region);
            assertThat(texts(nginx.get("networks"))).containsExactly(region);
            assertThat(texts(nginx.get("volumes"))).anyMatch(v -> v.startsWith("./nginx.conf:/etc/nginx/nginx.conf"));
        }
    }

    @Test
    void everyInstanceSetsOnlyNamesTheServiceReadsWithItsRegionsGroupAndTopics() throws IOException {
        JsonNode services = compose().get("services");
        Set<String> known = ServiceEnvironment.names();
        Set<String> instanceIds = new HashSet<>();
        int instances = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> s = it.next();
            if (!s.getKey().startsWith("trade-capture-")) {
                continue;
            }
            instances++;
            JsonNode env = s.getValue().get("environment");
            env.fieldNames().forEachRemaining(name -> assertThat(known).as(s.getKey() + " sets " + name).contains(name));
            String region = env.get("REGION").asText();
            assertThat(REGIONS).contains(region);
            assertThat(env.get("KAFKA_CONSUMER_GROUP_ID").asText()).isEqualTo("pb-synth-tradecapture-svc-" + region);
            assertThat(env.get("TRADES_TOPIC").asText()).isEqualTo("pb-synth.trades.v1." + region);
            assertThat(env.get("CAPTURED_TOPIC").asText()).isEqualTo("pb-synth.trades.captured.v1." + region);
            assertThat(env.get("DLQ_TOPIC").asText()).isEqualTo("pb-synth.trades.dlq.v1." + region);
            assertThat(env.get("DATABASE_URL").asText()).startsWith("jdbc:postgresql://postgres:");
            if (env.has("INSTANCE_ID")) {
                assertThat(instanceIds.add(env.get("INSTANCE_ID").asText())).as("INSTANCE_ID unique: static "
                        + "members with one id fence each other").isTrue();
            }
            assertThat(s.getValue().path("build").path("dockerfile").asText()).isEqualTo("src/main/docker/Dockerfile.jvm");
        }
        assertThat(instances).isGreaterThanOrEqualTo(9);
        String topics = texts(services.get("topics").get("command")).get(0);
        for (String region : REGIONS) {
            for (String t : List.of("pb-synth.trades.v1.", "pb-synth.trades.captured.v1.", "pb-synth.trades.dlq.v1.")) {
                assertThat(topics).contains("--topic " + t + region + " ");
            }
        }
    }

    @Test
    void theBrokerFailsOverAsTheServiceExpects() throws IOException {
        JsonNode env = compose().get("services").get("kafka").get("environment");
        assertThat(env.get("KAFKA_GROUP_CONSUMER_SESSION_TIMEOUT_MS").asInt()).isLessThanOrEqualTo(6000);
        assertThat(env.get("KAFKA_GROUP_CONSUMER_MIN_SESSION_TIMEOUT_MS").asInt())
                .isLessThanOrEqualTo(env.get("KAFKA_GROUP_CONSUMER_SESSION_TIMEOUT_MS").asInt());
        assertThat(env.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE").asText()).isEqualTo("false");
    }
}
