package com.pb.synth.tradecapture.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.pb.synth.tradecapture.domain.Lot;
import com.pb.synth.tradecapture.domain.SwapBlotter;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class CapturedEventSerializerTest {

    private static CapturedEvent event(Long sequence, BigDecimal spread) {
        var terms = new SwapBlotter.EconomicTerms(LocalDate.of(2026, 11, 26), LocalDate.of(2027, 11, 26),
                new SwapBlotter.PerformancePayout("US0378331005", "US0378331005", "PRICE_RETURN", new BigDecimal("100"),
                        new BigDecimal("187.5"), "USD", new BigDecimal("18750")),
                new SwapBlotter.InterestRatePayout("SOFR", spread, "ACT/360", "MONTHLY", "USD"));
        return new CapturedEvent("T-1", 2, "ACC-001_BOOK-01_US0378331005", "CORRECT", "BUY", sequence, "CAPTURED",
                "MANUAL", "ops-user", LocalDate.of(2026, 11, 24), List.of("CPTY-1", "CPTY-2"),
                List.of(new Lot(List.of(new Lot.LotIdentifier("L1", "LOT_ID")), new BigDecimal("100"), "Share",
                        new BigDecimal("187.5"), "USD")),
                new SwapBlotter.Contract("SWAP-T-1", "EquitySwap", terms), new CapturedEvent.State("FORMED"),
                "COMPLETE", "PENDING_APPROVAL", List.of("manual entry over 1m"),
                new SwapBlotter.NonEconomicTerms(new TreeMap<>(Map.of("custodian", "PB-CUST", "method", "DVP")),
                        new TreeMap<>(Map.of("highTouch", true, "clientVisible", false)), List.of("delta-one", "emea")),
                new CapturedEvent.ProcessingMetadata(Instant.parse("2026-11-24T15:30:00.123456Z"), 12,
                        List.of("R-SPREAD@v2", "R-MANUAL@v1"),
                        List.of("security", "account", "book"), List.of()),
                "us", "instance-1", 42,
                new CapturedEvent.PositionView(new BigDecimal("-50.5"), new BigDecimal("1E+3"), new BigDecimal("19.8"), 3, 1));
    }

    @Test
    void writesExactlyWhatTheRecordHolds() throws Exception {
        ObjectMapper fast = JsonMapper.builder().addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();
        ObjectMapper reflective = JsonMapper.builder().addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).disable(MapperFeature.USE_ANNOTATIONS).build();
        for (CapturedEvent e : List.of(event(7L, new BigDecimal("45")), event(null, null))) {
            String json = fast.writeValueAsString(e);
            JsonNode expected = reflective.readTree(reflective.writeValueAsString(e));
            assertThat(fast.readTree(json)).isEqualTo(expected);
            assertThat(json).startsWith("{\"tradeId\":\"T-1\",\"version\":2,\"partitionKey\":");
        }
    }
}
