package com.pb.synth.tradecapture.query;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.pb.synth.tradecapture.security.Roles;
import com.pb.synth.tradecapture.support.Fixtures;
import com.pb.synth.tradecapture.support.RealServers;
import com.pb.synth.tradecapture.support.ServiceTestBase;
import com.pb.synth.tradecapture.support.Tokens;
import com.pb.synth.tradecapture.support.Topics;
import com.pb.synth.tradecapture.support.TradeRequests;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The exceptions queue over HTTP: filters, one exception with its raw payload, and repair. */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
class ExceptionsIT extends ServiceTestBase {

    private static final String OPS = Tokens.mint("ops-user", Roles.WRITE, Roles.READ);
    private static final String OTHER = Tokens.mint("ops-2", Roles.WRITE, Roles.READ);
    private static final String READER = Tokens.mint("viewer", Roles.READ);

    private static RequestSpecification as(String token) {
        return given().contentType("application/json").header("Authorization", "Bearer " + token);
    }

    private long stored(String key, byte[] payload) {
        Topics.send(bootstrap, List.of(new ProducerRecord<>(RealServers.IN, key, payload)));
        await().atMost(Duration.ofSeconds(30)).until(() -> Fixtures.count(pool,
                "SELECT count(*) FROM trade_exceptions WHERE payload = $1", (Object) payload) == 1);
        return Fixtures.query(pool, "SELECT exception_id FROM trade_exceptions WHERE payload = $1", (Object) payload)
                .iterator().next().getLong(0);
    }

    /** A trade with a negative quantity (never captured: INVALID_VALUE) on a new account of its own. */
    private TradeRequests.Builder negative(String prefix, String quantity) {
        String account = Fixtures.accounts(pool, reference, prefix, 1).get(0);
        return TradeRequests.trade(TradeRequests.unique(prefix + "-NEG")).key(account, "BOOK-01", "US0378331005")
                .quantity(quantity);
    }

    @Test
    void theQueueFiltersByReasonAndShowsTheRawPayloadTextOrBase64() {
        TradeRequests.Builder negative = negative("EXC", "-1");
        long invalid = stored(negative.key(), negative.json().getBytes(StandardCharsets.UTF_8));
        byte[] binary = {(byte) 0xff, (byte) 0xfe, 0, 1, 2, (byte) 0x80};
        long notJson = stored(negative.key(), binary);

        List<Long> invalidValues = as(READER).get("/api/v1/exceptions?reasonCode=INVALID_VALUE&limit=1000")
                .then().statusCode(200).extract().jsonPath().getList("exceptionId", Long.class);
        assertThat(invalidValues).contains(invalid).doesNotContain(notJson);
        List<String> reasons = as(READER).get("/api/v1/exceptions?reasonCode=INVALID_VALUE&limit=1000")
                .then().extract().jsonPath().getList("reasonCode", String.class);
        assertThat(reasons).containsOnly("INVALID_VALUE");

        JsonPath text = as(READER).get("/api/v1/exceptions/" + invalid).then().statusCode(200).extract().jsonPath();
        assertThat(text.getString("payloadEncoding")).isEqualTo("utf-8");
        assertThat(text.getString("payload")).isEqualTo(negative.json());
        assertThat(text.getString("status")).isEqualTo("OPEN");
        JsonPath bytes = as(READER).get("/api/v1/exceptions/" + notJson).then().statusCode(200).extract().jsonPath();
        assertThat(bytes.getString("payloadEncoding")).isEqualTo("base64");
        assertThat(Base64.getDecoder().decode(bytes.getString("payload"))).isEqualTo(binary);

        as(READER).get("/api/v1/exceptions/" + Long.MAX_VALUE).then().statusCode(404).contentType("application/problem+json");
        as(READER).get("/api/v1/exceptions?reasonCode=NO_SUCH_CODE").then().statusCode(400);
        as(READER).get("/api/v1/exceptions?status=CLOSED").then().statusCode(400);
        as(READER).get("/api/v1/exceptions?limit=1001").then().statusCode(400);
        given().get("/api/v1/exceptions/" + invalid).then().statusCode(401);
    }

    @Test
    void aRepairIsAManualEntryThatClosesTheExceptionOnce() {
        TradeRequests.Builder negative = negative("EXR", "-7");
        String account = negative.key().substring(0, negative.key().indexOf("_BOOK-01_"));
        long id = stored(negative.key(), negative.json().getBytes(StandardCharsets.UTF_8));
        String repaired = TradeRequests.trade(negative.tradeId()).key(account, "BOOK-01", "US0378331005")
                .quantity("7").json();

        // invalid repairs and the wrong role change nothing
        as(OPS).body(TradeRequests.trade(negative.tradeId()).key(account, "BOOK-01", "US0378331005").quantity("-7").json())
                .post("/api/v1/exceptions/" + id + "/repair").then().statusCode(400).contentType("application/problem+json");
        as(READER).body(repaired).post("/api/v1/exceptions/" + id + "/repair").then().statusCode(403);
        as(OPS).body(repaired).post("/api/v1/exceptions/" + Long.MAX_VALUE + "/repair").then().statusCode(404);
        assertThat(Fixtures.count(pool, "SELECT count(*) FROM ingest_jobs WHERE trade_id = $1", negative.tradeId())).isZero();

        String job = as(OPS).body(repaired).post("/api/v1/exceptions/" + id + "/repair").then().statusCode(202)
                .header("Location", org.hamcrest.Matchers.endsWith("/status")).extract().path("jobId");
        await().atMost(Duration.ofSeconds(30)).until(() -> "CAPTURED".equals(as(OPS)
                .get("/api/v1/trades/jobs/" + job + "/status").then().extract().path("status")));
        assertThat(Fixtures.position(pool, negative.key()).orElseThrow().quantity()).isEqualByComparingTo("7");
        JsonPath x = as(READER).get("/api/v1/exceptions/" + id).then().statusCode(200).extract().jsonPath();
        assertThat(x.getString("status")).isEqualTo("REPAIRED");
        assertThat(x.getString("repairedBy")).isEqualTo("ops-user");
        assertThat(x.getString("repairJobId")).isEqualTo(job);
        assertThat(x.getString("resolvedAt")).isNotBlank();
        assertThat(as(READER).get("/api/v1/exceptions?status=REPAIRED&limit=1000").then().extract().jsonPath()
                .getList("exceptionId", Long.class)).contains(id);

        // the same caller asking again (a lost answer) gets the same job; anyone else is refused, naming the first
        assertThat(as(OPS).body(repaired).post("/api/v1/exceptions/" + id + "/repair").then().statusCode(202)
                .extract().<String>path("jobId")).isEqualTo(job);
        String detail = as(OTHER).body(repaired).post("/api/v1/exceptions/" + id + "/repair").then().statusCode(409)
                .extract().path("detail");
        assertThat(detail).contains("ops-user").contains(job);
        assertThat(Fixtures.count(pool, "SELECT count(*) FROM ingest_jobs WHERE trade_id = $1", negative.tradeId()))
                .isEqualTo(1);
    }
}
