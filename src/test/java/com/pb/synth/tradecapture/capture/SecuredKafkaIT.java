package com.pb.synth.tradecapture.capture;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.pb.synth.tradecapture.security.Roles;
import com.pb.synth.tradecapture.support.Fixtures;
import com.pb.synth.tradecapture.support.RealServers;
import com.pb.synth.tradecapture.support.SecuredKafka;
import com.pb.synth.tradecapture.support.ServiceTestBase;
import com.pb.synth.tradecapture.support.Tokens;
import com.pb.synth.tradecapture.support.TradeRequests;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * A cluster that only speaks SASL_SSL (TLS with a certificate of its own, SASL PLAIN): with the
 * security settings given once as {@code kafka.*}, every Kafka client of the service — the input
 * channel, HTTP ingest's emitter, the captured-event and DLQ producer — works.
 */
@QuarkusTest
@QuarkusTestResource(value = RealServers.class, initArgs = @ResourceArg(name = "kafka", value = "sasl_ssl"),
        restrictToAnnotatedClass = true)
class SecuredKafkaIT extends ServiceTestBase {

    @Test
    void tradesFromKafkaAndFromHttpAreCapturedAndAPoisonRecordReachesTheDlqOverSaslSsl() {
        SecuredKafka kafka = RealServers.secured();
        String account = Fixtures.accounts(pool, reference, "SECURE", 1).get(0);
        TradeRequests.Builder viaKafka = TradeRequests.trade(TradeRequests.unique("SEC-K")).key(account, "BOOK-01",
                "US0378331005");
        TradeRequests.Builder viaHttp = TradeRequests.trade(TradeRequests.unique("SEC-H")).key(account, "BOOK-02",
                "US0378331005");
        String poisonKey = account + "_BOOK-03_US0378331005";
        Properties producerProps = kafka.clientProperties();
        producerProps.put("acks", "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(RealServers.IN, viaKafka.key(),
                    viaKafka.json().getBytes(StandardCharsets.UTF_8)));
            producer.send(new ProducerRecord<>(RealServers.IN, poisonKey,
                    "{\"tradeId\":\"SEC-POISON\",".getBytes(StandardCharsets.UTF_8)));
            producer.flush();
        }
        given().contentType("application/json")
                .header("Authorization", "Bearer " + Tokens.mint("ops-user", Roles.WRITE, Roles.READ))
                .body(viaHttp.json()).post("/api/v1/trades/capture").then().statusCode(202);

        List<String> captured = new ArrayList<>();
        List<String> dlq = new ArrayList<>();
        Properties consumerProps = kafka.clientProperties();
        consumerProps.put("group.id", "secured-it-" + System.nanoTime());
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(RealServers.CAPTURED, RealServers.DLQ)) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(Duration.ofMinutes(1)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    String value = new String(r.value(), StandardCharsets.UTF_8);
                    (r.topic().equals(RealServers.DLQ) ? dlq : captured).add(value);
                }
                return captured.stream().anyMatch(v -> v.contains(viaKafka.tradeId()))
                        && captured.stream().anyMatch(v -> v.contains(viaHttp.tradeId()))
                        && dlq.stream().anyMatch(v -> v.contains("SEC-POISON"));
            });
        }
        assertThat(captured.stream().filter(v -> v.contains(viaKafka.tradeId())).findFirst().orElseThrow())
                .contains("\"status\":\"CAPTURED\"");
        assertThat(Fixtures.count(pool, "SELECT count(*) FROM trade_versions WHERE trade_id = ANY($1)",
                (Object) new String[] {viaKafka.tradeId(), viaHttp.tradeId()})).isEqualTo(2);
    }
}
