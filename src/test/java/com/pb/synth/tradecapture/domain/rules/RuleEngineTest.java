package com.pb.synth.tradecapture.domain.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.pb.synth.tradecapture.domain.Account;
import com.pb.synth.tradecapture.domain.Book;
import com.pb.synth.tradecapture.domain.Lot;
import com.pb.synth.tradecapture.domain.PartitionKey;
import com.pb.synth.tradecapture.domain.Security;
import com.pb.synth.tradecapture.domain.Side;
import com.pb.synth.tradecapture.domain.SwapBlotter;
import com.pb.synth.tradecapture.domain.Trade;
import com.pb.synth.tradecapture.domain.TradeAction;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuleEngineTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Security SEC = new Security("US0378331005", "US0378331005", "AAPL.O", "USD", "EQUITY", "XNAS", true);
    private static final Account ACC = new Account("ACC-001", "PB-US-LLC", "us", new BigDecimal("45"), 12, "MONTHLY",
            true, true, null, new BigDecimal("5000000"));
    private static final Book BOOK = new Book("BOOK-05", "DELTA-ONE", "PB-US-LLC", true);

    private static Trade trade(String source, String quantity, String price) {
        return new Trade("T1", 1, TradeAction.NEW, Side.BUY, new PartitionKey("ACC-001", "BOOK-05", "US0378331005"),
                source, LocalDate.of(2026, 11, 24), LocalDate.of(2026, 11, 26), null, null, List.of(), null, null,
                "MANUAL".equals(source) ? "ops-user" : null, Map.of(),
                List.of(new Lot(List.of(), new BigDecimal(quantity), "Share", new BigDecimal(price), "USD")));
    }

    private static CompiledRule rule(String json, int version) throws Exception {
        return RuleCompiler.compile(JSON.readValue(json, RuleDefinition.class), version);
    }

    private static SwapBlotter run(Trade trade, CompiledRule... rules) {
        List<CompiledRule> sorted = new ArrayList<>(List.of(rules));
        sorted.sort(RuleEngine.ORDER);
        return RuleEngine.blotter(trade, SEC, ACC, BOOK, sorted);
    }

    @Test
    void eachKindChangesWhatItShouldAndIsRecorded() throws Exception {
        CompiledRule spread = rule("""
                {"ruleId":"SPREAD-BOOK05","kind":"ECONOMIC","priority":10,
                 "criteria":{"all":[{"field":"trade.bookId","op":"eq","value":"BOOK-05"},
                                    {"field":"security.assetClass","op":"in","value":["EQUITY","ETF"]}]},
                 "actions":[{"type":"SET_FIELD","field":"interestRatePayout.spreadBps","value":25},
                            {"type":"SET_FIELD","field":"performancePayout.returnType","value":"TOTAL_RETURN"},
                            {"type":"SET_FIELD","field":"economicTerms.tenorMonths","value":6}]}""", 3);
        CompiledRule tags = rule("""
                {"ruleId":"DESK-TAGS","kind":"NON_ECONOMIC",
                 "criteria":{"field":"book.desk","op":"startsWith","value":"DELTA"},
                 "actions":[{"type":"ADD_TAG","value":"delta-one"},
                            {"type":"SET_FIELD","field":"settlement.method","value":"DVP"},
                            {"type":"SET_FIELD","field":"flags.highTouch","value":true}]}""", 1);
        CompiledRule manual = rule("""
                {"ruleId":"MANUAL-LARGE","kind":"WORKFLOW",
                 "criteria":{"all":[{"field":"trade.source","op":"eq","value":"MANUAL"},
                                    {"field":"trade.notional","op":"gt","value":"1000000"}]},
                 "actions":[{"type":"SET_WORKFLOW_STATUS","value":"PENDING_APPROVAL","reason":"manual entry over 1m"}]}""", 2);

        SwapBlotter small = run(trade("MANUAL", "100", "10"), manual, tags, spread);
        var terms = small.contract().economicTerms();
        assertThat(terms.interestRatePayout().spreadBps()).isEqualByComparingTo("25");
        assertThat(terms.performancePayout().returnType()).isEqualTo("TOTAL_RETURN");
        assertThat(small.contract().taxonomy()).isEqualTo(SwapBlotter.TOTAL_RETURN_TAXONOMY);
        assertThat(terms.terminationDate()).isEqualTo(LocalDate.of(2027, 5, 26));
        assertThat(small.nonEconomicTerms().tags()).containsExactly("delta-one");
        assertThat(small.nonEconomicTerms().settlement()).containsEntry("method", "DVP");
        assertThat(small.nonEconomicTerms().flags()).containsEntry("highTouch", true);
        assertThat(small.workflowStatus()).isEqualTo(SwapBlotter.APPROVED);
        assertThat(small.positionState()).isEqualTo("FORMED");
        assertThat(small.rulesApplied()).containsExactly("SPREAD-BOOK05@v3", "DESK-TAGS@v1");

        SwapBlotter large = run(trade("MANUAL", "20000", "100"), manual, tags, spread);
        assertThat(large.workflowStatus()).isEqualTo(SwapBlotter.PENDING_APPROVAL);
        assertThat(large.positionState()).isEqualTo("EXECUTED");
        assertThat(large.approvalReasons()).containsExactly("manual entry over 1m");
        assertThat(large.rulesApplied()).containsExactly("SPREAD-BOOK05@v3", "DESK-TAGS@v1", "MANUAL-LARGE@v2");

        SwapBlotter automated = run(trade("AUTOMATED", "20000", "100"), manual);
        assertThat(automated.workflowStatus()).isEqualTo(SwapBlotter.APPROVED);
        assertThat(automated.rulesApplied()).isEmpty();
    }

    @Test
    void criteriaCompareFieldsAndTreatMissingValuesAsFalse() throws Exception {
        CompiledRule overLimit = rule("""
                {"ruleId":"OVER-HALF-LIMIT","kind":"WORKFLOW",
                 "criteria":{"not":{"field":"trade.notional","op":"le","value":{"field":"account.spreadBps"}}},
                 "actions":[{"type":"SET_WORKFLOW_STATUS","value":"PENDING_APPROVAL","reason":"notional above spread"}]}""", 1);
        assertThat(run(trade("AUTOMATED", "1", "50"), overLimit).approvalReasons()).containsExactly("notional above spread");
        assertThat(run(trade("AUTOMATED", "1", "40"), overLimit).approvalReasons()).isEmpty();

        CompiledRule noRic = rule("""
                {"ruleId":"ANY","kind":"NON_ECONOMIC",
                 "criteria":{"any":[{"field":"security.ric","op":"exists","value":false},
                                    {"field":"trade.side","op":"notIn","value":["BUY"]}]},
                 "actions":[{"type":"ADD_TAG","value":"check"}]}""", 1);
        assertThat(run(trade("AUTOMATED", "1", "1"), noRic).nonEconomicTerms().tags()).isEmpty();
        Trade t = trade("AUTOMATED", "1", "1");
        SwapBlotter noSecurity = RuleEngine.blotter(t, null, ACC, BOOK, List.of(noRic));
        assertThat(noSecurity.nonEconomicTerms().tags()).containsExactly("check");
        // built-in: the account's own notional limit
        assertThat(run(trade("AUTOMATED", "100000", "100")).approvalReasons()).containsExactly("notional over the account's limit");
    }

    @Test
    void anInvalidRuleIsRefusedWithEveryProblemNamed() {
        assertThatThrownBy(() -> rule("""
                {"ruleId":"bad_id","kind":"ECONOMIC","priority":-1,
                 "criteria":{"all":[{"field":"trade.colour","op":"eq","value":"red"},
                                    {"field":"trade.notional","op":"startsWith","value":"1"},
                                    {"field":"trade.quantity","op":"gt","value":"lots"},
                                    {"field":"trade.side","op":"like","value":"B%"}]},
                 "actions":[{"type":"SET_FIELD","field":"interestRatePayout.spreadBps","value":99999},
                            {"type":"ADD_TAG","value":"x"},
                            {"type":"SET_FIELD","field":"contract.identifier","value":"X"}]}""", 1))
                .isInstanceOfSatisfying(RuleCompiler.InvalidRule.class, e -> assertThat(e.problems())
                        .extracting(RuleCompiler.Problem::path).containsExactlyInAnyOrder("ruleId", "priority",
                                "criteria.all[0].field", "criteria.all[1].value", "criteria.all[2].value",
                                "criteria.all[3].op", "actions[0].value", "actions[1].type", "actions[2].field"));
        assertThatThrownBy(() -> rule("""
                {"ruleId":"WF","kind":"WORKFLOW","actions":[{"type":"SET_WORKFLOW_STATUS","value":"APPROVED"}]}""", 1))
                .isInstanceOfSatisfying(RuleCompiler.InvalidRule.class, e -> assertThat(e.problems())
                        .extracting(RuleCompiler.Problem::path).containsExactly("actions[0].value", "actions[0].reason"));
        assertThatThrownBy(() -> rule("""
                {"ruleId":"K","kind":"MAGIC","actions":[]}""", 1))
                .isInstanceOfSatisfying(RuleCompiler.InvalidRule.class, e -> assertThat(e.problems())
                        .extracting(RuleCompiler.Problem::path).containsExactly("kind", "actions"));
    }
}
