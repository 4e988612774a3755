package com.pb.synth.tradecapture.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.pb.synth.tradecapture.domain.ReasonCode;
import com.pb.synth.tradecapture.domain.rules.CompiledRule;
import com.pb.synth.tradecapture.domain.rules.RuleKind;
import com.pb.synth.tradecapture.reference.ReferenceData;
import com.pb.synth.tradecapture.support.TradeRequests;
import jakarta.validation.Validation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.junit.jupiter.api.Test;

/** A record that fails its enrichment is set aside alone, with its trade and its place in its key's sequence. */
class EnrichmentTest {

    private final TradeRequestMapper mapper = new TradeRequestMapper(
            new ObjectMapper().registerModule(new JavaTimeModule()),
            Validation.byDefaultProvider().configure().messageInterpolator(new ParameterMessageInterpolator())
                    .buildValidatorFactory());

    private CaptureItem parsed(TradeRequests.Builder b) {
        byte[] payload = b.json().getBytes(StandardCharsets.UTF_8);
        var result = mapper.map(payload, b.key());
        return new CaptureItem(new IncomingTrade("in", 0, 1, 0, b.key(), payload), result.trade(), null, null);
    }

    @Test
    void aRuleThatThrowsSetsOnlyItsRecordAsideAndKeepsItsSequenceNumber() {
        CompiledRule broken = new CompiledRule("BROKEN", 1, RuleKind.NON_ECONOMIC, 1, context -> {
            if (context.trade().tradeId().startsWith("BAD")) {
                throw new IllegalStateException("the rule fails on this trade");
            }
            return false;
        }, List.of());
        var snapshot = new ReferenceData.Snapshot(1, Map.of(), Map.of(), Map.of(), List.of(broken));
        var bad = TradeRequests.trade("BAD-1").sequence(3);
        var good = TradeRequests.trade("GOOD-1").sequence(4);

        List<CaptureItem> items = new Enrichment().enrich(List.of(parsed(bad), parsed(good)), snapshot);

        assertThat(items.get(0).accepted()).isFalse();
        assertThat(items.get(0).rejection().reasonCode()).isEqualTo(ReasonCode.CAPTURE_FAILED);
        assertThat(items.get(0).rejection().detail()).contains("the rule fails on this trade");
        assertThat(items.get(0).trade().tradeId()).isEqualTo("BAD-1");
        assertThat(items.get(0).slot().key()).isEqualTo(bad.key());
        assertThat(items.get(0).slot().sequence()).isEqualTo(3);
        assertThat(items.get(1).accepted()).isTrue();
        assertThat(items.get(1).slot()).isNull();
    }
}
