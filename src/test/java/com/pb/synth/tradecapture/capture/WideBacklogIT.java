package com.pb.synth.tradecapture.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.pb.synth.tradecapture.support.Fixtures;
import com.pb.synth.tradecapture.support.RealServers;
import com.pb.synth.tradecapture.support.ServiceTestBase;
import com.pb.synth.tradecapture.support.TradeRequests;
import com.pb.synth.tradecapture.support.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * A backlog whose poll batches each hold nearly as many distinct keys as records: a prime broker's
 * key space is wide, and a batch must go through whatever its key diversity, with the defaults.
 */
@QuarkusTest
@QuarkusTestResource(RealServers.class)
class WideBacklogIT extends ServiceTestBase {

    private static final String[] SECURITIES = {"US0378331005", "US5949181045", "US0231351067", "US02079K3059",
            "US30303M1027", "US88160R1014", "GB0005405286", "DE0007164600", "FR0000120271", "JP3633400001"};
    private static final int ACCOUNTS = 200;
    private static final int BOOKS = 10;
    private static final int PER_KEY = 5;

    @Test
    void aHundredThousandTradesOverTwentyThousandKeysAreAllCapturedWithoutAStall() {
        List<String> accounts = Fixtures.accounts(pool, reference, "WIDE", ACCOUNTS);
        String run = TradeRequests.unique("WIDE");
        List<String> keys = new ArrayList<>();
        for (String account : accounts) {
            for (int b = 1; b <= BOOKS; b++) {
                for (String security : SECURITIES) {
                    keys.add(account + "_BOOK-" + (b < 10 ? "0" : "") + b + "_" + security);
                }
            }
        }
        assertThat(keys).hasSize(20_000);
        Map<String, BigDecimal> expected = new HashMap<>();
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(keys.size() * PER_KEY);
        // Key after key, round after round: consecutive records never share a key.
        for (int round = 0; round < PER_KEY; round++) {
            for (int k = 0; k < keys.size(); k++) {
                String[] parts = keys.get(k).split("_");
                TradeRequests.Builder t = TradeRequests.trade(run + "-" + k + "-" + round).key(parts[0], parts[1], parts[2])
                        .quantity(Integer.toString(1 + (k + round) % 97)).side(round == 3 ? "SELL" : "BUY");
                expected.merge(t.key(), t.signedQuantity(), BigDecimal::add);
                records.add(Topics.record(RealServers.IN, t.key(), t.json()));
            }
        }
        double splitsBefore = Fixtures.meter("capture_batch_splits_total");
        double retriesBefore = Fixtures.meter("capture_batch_retries_total");
        Topics.send(bootstrap, records);

        AtomicBoolean stallSeen = new AtomicBoolean();
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            if ("DOWN".equals(Fixtures.check("capture-progress").get("status"))) {
                stallSeen.set(true);
            }
            return Fixtures.count(pool, "SELECT count(*) FROM trade_versions WHERE trade_id LIKE $1", run + "-%")
                    == (long) keys.size() * PER_KEY;
        });
        assertThat(stallSeen).as("a stall was reported").isFalse();
        assertThat(Fixtures.meter("capture_batch_splits_total")).isEqualTo(splitsBefore);
        assertThat(Fixtures.meter("capture_batch_retries_total")).isEqualTo(retriesBefore);
        Fixtures.assertPositions(pool, expected, PER_KEY);
    }
}
