package com.pb.synth.tradecapture.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.pb.synth.tradecapture.domain.Position;
import com.pb.synth.tradecapture.support.CapturedEvents;
import com.pb.synth.tradecapture.support.Fixtures;
import com.pb.synth.tradecapture.support.RealServers;
import com.pb.synth.tradecapture.support.ServiceTestBase;
import com.pb.synth.tradecapture.support.TradeRequests;
import com.pb.synth.tradecapture.support.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(RealServers.class)
class CorrectionsIT extends ServiceTestBase {

    @Test
    void correctionsMoveByTheDifferenceCancelsReverseAndOlderVersionsAreSuperseded() {
        String account = Fixtures.accounts(pool, reference, "CORR", 1).get(0);
        String t1 = TradeRequests.unique("CORR-T1");
        String t2 = TradeRequests.unique("CORR-T2");
        List<TradeRequests.Builder> trades = List.of(
                TradeRequests.trade(t1).quantity("100").price("10"),                        // +100 @10
                TradeRequests.trade(t1).action("CORRECT", 3).quantity("150").price("11"),   // replaces: 150 @11
                TradeRequests.trade(t1).action("CORRECT", 2).quantity("999").price("1"),    // older than v3
                TradeRequests.trade(t2).side("SELL").quantity("40").price("12"),            // -40 @12
                TradeRequests.trade(t2).action("CANCEL", 2).side("SELL").quantity("40").price("12"),
                TradeRequests.trade(t1).quantity("100").price("10"));                       // v1 again
        trades.forEach(t -> t.key(account, "BOOK-03", "US5949181045"));
        String key = trades.get(0).key();
        Topics.send(bootstrap, Topics.inputs(trades));

        try (CapturedEvents events = new CapturedEvents(bootstrap, List.of(key))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> events.ofKey(key).size() == trades.size());
            List<JsonNode> got = events.ofKey(key);
            assertThat(got.stream().map(e -> e.get("status").asText()).toList()).containsExactly(
                    "CAPTURED", "CAPTURED", "SUPERSEDED", "CAPTURED", "CAPTURED", "DUPLICATE");
            assertThat(got.stream().map(e -> e.get("position").get("quantity").decimalValue().intValue()).toList())
                    .containsExactly(100, 150, 150, 110, 150, 100);
            assertThat(got.stream().map(e -> e.get("position").get("notional").decimalValue().intValue()).toList())
                    .containsExactly(1000, 1650, 1650, 1170, 1650, 1000);
            assertThat(got.get(4).get("state").get("positionState").asText()).isEqualTo("CANCELLED");
        }
        Position position = Fixtures.position(pool, key).orElseThrow();
        assertThat(position.quantity()).isEqualByComparingTo("150");
        assertThat(position.notional()).isEqualByComparingTo("1650");
        assertThat(position.tradeCount()).isEqualTo(1);
        assertThat(Fixtures.count(pool, "SELECT count(*) FROM trade_versions WHERE trade_id IN ($1, $2)", t1, t2))
                .as("SUPERSEDED and DUPLICATE store nothing").isEqualTo(4);
    }
}
