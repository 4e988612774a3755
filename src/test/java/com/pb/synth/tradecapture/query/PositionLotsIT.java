package com.pb.synth.tradecapture.query;

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

    /**
     * 250 buys of one lot of 10 each, then a sell of 1,005: by hand, lots 1 to 100 close, lot 101 keeps
     * 5 open and 102 to 250 stay whole (150 open lots, 101 reliefs, 100 closed lots). Paged, each open
     * lot comes once in order; the cursor, page size and dates are checked at their edges.
     */
    @Test
    void theOpenLotsReliefsAndClosedLotsArePagedByCursorEachOnce() {
        String account = Fixtures.accounts(pool, reference, "PAGE", 1).get(0);
        String run = TradeRequests.unique("P");
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (int i = 1; i <= 250; i++) {
            records.add(trade(account, run + "-B" + i, "BUY", "NEW", 1, "L" + i, "10", "100"));
        }
        records.add(trade(account, run + "-S", "SELL", "NEW", 1, "S1", "1005", "101"));
        Topics.send(bootstrap, records);
        await().atMost(Duration.ofSeconds(60)).until(() -> Fixtures.position(pool, account + "_BOOK-01_US0378331005")
                .map(p -> p.tradeCount() == 251).orElse(false));

        String base = "/api/v1/positions/" + account + "/BOOK-01/US0378331005";
        JsonPath first = get(base).then().statusCode(200).extract().jsonPath();
        assertThat(first.getLong("openLotCount")).isEqualTo(150);
        assertThat(first.getList("openLots")).hasSize(100);
        assertThat(first.getString("openLots[0].lotId")).isEqualTo("L101");
        assertThat(first.getDouble("openLots[0].openQuantity")).isEqualTo(5.0);
        assertThat(first.getLong("reliefCount")).isEqualTo(101);
        assertThat(first.getList("reliefs")).hasSize(100);

        List<String> seen = new ArrayList<>();
        Object after = 0;
        int pages = 0;
        do {
            JsonPath page = get(base + "?lotsLimit=7&lotsAfter=" + after).then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("openLots.lotId", String.class));
            assertThat(page.getLong("openLotCount")).isEqualTo(150);
            after = page.get("nextLotsAfter");
            pages++;
        } while (after != null);
        List<String> expected = new ArrayList<>();
        for (int i = 101; i <= 250; i++) {
            expected.add("L" + i);
        }
        assertThat(seen).containsExactlyElementsOf(expected);
        assertThat(pages).isEqualTo(22);
        // past the last lot: an empty page without a next cursor
        JsonPath past = get(base + "?lotsAfter=1000000").then().statusCode(200).extract().jsonPath();
        assertThat(past.getList("openLots")).isEmpty();
        assertThat((Object) past.get("nextLotsAfter")).isNull();
        // the largest page is 1,000; one past it, none, and what is not a number are refused by name
        assertThat(get(base + "?lotsLimit=1000").then().statusCode(200).extract().jsonPath().getList("openLots")).hasSize(150);
        for (String bad : List.of("lotsLimit=1001", "lotsLimit=0", "lotsLimit=ten", "lotsAfter=-1")) {
            get(base + "?" + bad).then().statusCode(400).contentType("application/problem+json")
                    .body("detail", org.hamcrest.Matchers.containsString(bad.substring(0, bad.indexOf('='))));
        }

        // reliefs and closed lots by date: all today (UTC), none yesterday; paged the same way
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        String yesterday = java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(1).toString();
        JsonPath reliefs = get(base + "/reliefs?from=" + today + "&to=" + today + "&limit=60").then().statusCode(200)
                .extract().jsonPath();
        assertThat(reliefs.getLong("total")).isEqualTo(101);
        assertThat(reliefs.getList("items")).hasSize(60);
        JsonPath rest = get(base + "/reliefs?from=" + today + "&limit=60&after=" + reliefs.get("nextAfter"))
                .then().statusCode(200).extract().jsonPath();
        assertThat(rest.getList("items")).hasSize(41);
        assertThat((Object) rest.get("nextAfter")).isNull();
        assertThat(rest.getString("items[40].relievedLotId")).isEqualTo("L101");
        assertThat(rest.getDouble("items[40].quantity")).isEqualTo(5.0);
        assertThat(get(base + "/reliefs?to=" + yesterday).then().statusCode(200).extract().jsonPath().getLong("total"))
                .isZero();
        JsonPath closed = get(base + "/closed-lots?from=" + today + "&limit=1000").then().statusCode(200).extract().jsonPath();
        assertThat(closed.getLong("total")).isEqualTo(100);
        assertThat(closed.getString("items[0].lotId")).isEqualTo("L1");
        assertThat(closed.getString("items[99].lotId")).isEqualTo("L100");
        get(base + "/reliefs?from=" + today + "&to=" + yesterday).then().statusCode(400);
        get(base + "/closed-lots?from=12/06/2026").then().statusCode(400);
        get("/api/v1/positions/NOBODY/BOOK-01/US0378331005/reliefs").then().statusCode(404);
    }

    private static io.restassured.response.Response get(String path) {
        return given().header("Authorization", "Bearer " + READER).get(path);
    }
}
