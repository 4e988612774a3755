package com.pb.synth.tradecapture.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Issue 5 test 4: FIFO lot relief on the position endpoint, against lots worked out by hand. */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
class PositionLotsIT extends ServiceTestBase {

    private static final String READER = Tokens.mint("ops-user", Roles.READ);

    /** A trade with the given lots: id, quantity, price each. */
    private static ProducerRecord<String, byte[]> trade(String account, String tradeId, String side, String action,
                                                        int version, String... lots) {
        TradeRequests.Builder b = TradeRequests.trade(tradeId).key(account, "BOOK-01", "US0378331005").side(side)
                .action(action, version);
        ObjectNode n = b.node();
        ArrayNode array = n.putArray("tradeLots");
        for (int i = 0; i < lots.length; i += 3) {
            ObjectNode lot = array.addObject();
            lot.putArray("lotIdentifier").addObject().put("identifier", lots[i]).put("identifierType", "LOT_ID");
            ObjectNode pq = lot.putArray("priceQuantity").addObject();
            pq.putArray("quantity").addObject().put("value", lots[i + 1]).putObject("unit").put("financialUnit", "Share");
            pq.putArray("price").addObject().put("value", lots[i + 2]).putObject("unit").put("currency", "USD");
        }
        return Topics.record(RealServers.IN, b.key(), n.toString());
    }

    private JsonPath position(String account) {
        return given().header("Authorization", "Bearer " + READER)
                .get("/api/v1/positions/" + account + "/BOOK-01/US0378331005").then().statusCode(200).extract().jsonPath();
    }

    private static List<String> open(JsonPath p) {
        List<String> out = new ArrayList<>();
        List<String> ids = p.getList("openLots.lotId", String.class);
        for (int i = 0; i < ids.size(); i++) {
            out.add(ids.get(i) + " " + p.getString("openLots[" + i + "].openQuantity"));
        }
        return out;
    }

    private static List<String> reliefs(JsonPath p) {
        List<String> out = new ArrayList<>();
        List<String> ids = p.getList("reliefs.lotId", String.class);
        for (int i = 0; i < ids.size(); i++) {
            out.add(ids.get(i) + ">" + p.getString("reliefs[" + i + "].relievedLotId") + " "
                    + p.getString("reliefs[" + i + "].quantity"));
        }
        return out;
    }

    @Test
    void sellsRelieveTheOldestLotsAndACancelInTheMiddleReflowsThem() {
        String account = Fixtures.accounts(pool, reference, "LOTS", 1).get(0);
        String run = TradeRequests.unique("L");
        String t2 = run + "-T2";
        Topics.send(bootstrap, List.of(
                trade(account, run + "-T1", "BUY", "NEW", 1, "A", "100", "10"),
                trade(account, t2, "BUY", "NEW", 1, "B", "50", "11", "C", "30", "12"),
                trade(account, run + "-T3", "SELL", "NEW", 1, "D", "120", "15"),
                trade(account, run + "-T4", "BUY", "NEW", 1, "E", "40", "13"),
                trade(account, run + "-T5", "SELL", "NEW", 1, "F", "70", "16")));
        await().atMost(Duration.ofSeconds(30)).until(() -> Fixtures.position(pool, account + "_BOOK-01_US0378331005")
                .map(p -> p.tradeCount() == 5).orElse(false));

        // By hand: D sells all of A (100) and 20 of B; F sells the other 30 of B, all of C (30) and 10 of E.
        JsonPath before = position(account);
        assertThat(before.getDouble("quantity")).isEqualTo(30.0);
        assertThat(reliefs(before)).containsExactly("D>A 100", "D>B 20", "F>B 30", "F>C 30", "F>E 10");
        assertThat(open(before)).containsExactly("E 30");

        // Cancel T2 in the middle: D now sells all of A and goes 20 short; E covers the 20 and is 20 long;
        // F sells those 20 and goes 50 short.
        Topics.send(bootstrap, List.of(trade(account, t2, "BUY", "CANCEL", 2, "B", "50", "11", "C", "30", "12")));
        await().atMost(Duration.ofSeconds(30)).until(() -> Fixtures.position(pool, account + "_BOOK-01_US0378331005")
                .map(p -> p.tradeCount() == 4).orElse(false));
        JsonPath after = position(account);
        assertThat(after.getDouble("quantity")).isEqualTo(-50.0);
        assertThat(reliefs(after)).containsExactly("D>A 100", "E>D 20", "F>E 20");
        assertThat(open(after)).containsExactly("F -50");
    }
}
