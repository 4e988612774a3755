package com.pb.synth.tradecapture.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SwapBlotterFactoryTest {

    private static final Account ACCOUNT = new Account("ACC-001", "PB-US-LLC", "us", new BigDecimal("45"), 12,
            "MONTHLY", true, true, null, null);
    private static final Book BOOK = new Book("BOOK-01", "DELTA-ONE", "PB-US-LLC", true);

    private static Trade trade(String security, String currency, TradeAction action, LocalDate settlement) {
        return new Trade("T1", 1, action, Side.BUY, new PartitionKey("ACC-001", "BOOK-01", security), "AUTOMATED",
                LocalDate.of(2026, 11, 27), settlement, null, null, List.of(), null, null, null, Map.of(),
                List.of(new Lot(List.of(), new BigDecimal("100"), "Share", new BigDecimal("10"), currency)));
    }

    @ParameterizedTest(name = "{0}: {2}, {3}")
    @CsvSource({
            "USD, US0378331005, SOFR, ACT/360",
            "EUR, DE0007164600, ESTR, ACT/360",
            "GBP, GB0005405286, SONIA, ACT/365.FIXED",
            "JPY, JP3633400001, TONA, ACT/365.FIXED"})
    void eachCurrencyIsFinancedOnItsIndexAtTheAccountsSpreadFromSettlementForTheTenor(String currency,
            String isin, String index, String dayCount) {
        Security sec = new Security(isin, isin, null, currency, "EQUITY", "X", true);
        Account account = new Account("ACC-001", "PB-US-LLC", "us", new BigDecimal("37.5"), 18, "QUARTERLY", true,
                true, null, null);
        SwapBlotter blotter = SwapBlotterFactory.form(trade(isin, currency, TradeAction.NEW, LocalDate.of(2026, 12, 2)),
                sec, account, BOOK);

        var terms = blotter.contract().economicTerms();
        assertThat(terms.effectiveDate()).as("effective = settlement date").isEqualTo(LocalDate.of(2026, 12, 2));
        assertThat(terms.terminationDate()).as("effective + 18 months").isEqualTo(LocalDate.of(2028, 6, 2));
        assertThat(terms.interestRatePayout().floatingRateIndex()).isEqualTo(index);
        assertThat(terms.interestRatePayout().dayCountFraction()).isEqualTo(dayCount);
        assertThat(terms.interestRatePayout().spreadBps()).isEqualByComparingTo("37.5");
        assertThat(terms.interestRatePayout().resetFrequency()).isEqualTo("QUARTERLY");
        assertThat(terms.interestRatePayout().currency()).isEqualTo(currency);
        assertThat(terms.performancePayout().currency()).isEqualTo(currency);
        assertThat(terms.performancePayout().initialPrice()).isEqualByComparingTo("10");
        assertThat(terms.performancePayout().quantity()).isEqualByComparingTo("100");
        assertThat(blotter.enrichmentStatus()).isEqualTo(SwapBlotter.COMPLETE);
        assertThat(blotter.missingReferenceData()).isEmpty();
    }

    @Test
    void withoutASettlementDateTheSwapStartsTwoBusinessDaysAfterTheTrade() {
        Security sec = new Security("GB0005405286", "GB0005405286", "HSBA.L", "GBP", "EQUITY", "XLON", true);
        SwapBlotter blotter = SwapBlotterFactory.form(trade(sec.securityId(), "GBP", TradeAction.NEW, null), sec,
                ACCOUNT, BOOK);

        var terms = blotter.contract().economicTerms();
        assertThat(terms.effectiveDate()).as("T+2 business days from a Friday").isEqualTo(LocalDate.of(2026, 12, 1));
        assertThat(terms.terminationDate()).isEqualTo(LocalDate.of(2027, 12, 1));
        assertThat(terms.performancePayout().notional()).isEqualByComparingTo("1000");
        assertThat(blotter.workflowStatus()).isEqualTo(SwapBlotter.APPROVED);
        assertThat(blotter.positionState()).isEqualTo("FORMED");
        assertThat(blotter.enrichmentSources()).containsExactly("security", "account", "book");
    }

    @Test
    void anAccountsDayCountOverridesTheIndexConvention() {
        Security sec = new Security("US0378331005", "US0378331005", "AAPL.O", "USD", "EQUITY", "XNAS", true);
        Account account = new Account("ACC-001", "PB-US-LLC", "us", new BigDecimal("45"), 12, "MONTHLY", true, true,
                "ACT/365.FIXED", null);
        SwapBlotter blotter = SwapBlotterFactory.form(trade(sec.securityId(), "USD", TradeAction.NEW, null), sec,
                account, BOOK);
        assertThat(blotter.contract().economicTerms().interestRatePayout().floatingRateIndex()).isEqualTo("SOFR");
        assertThat(blotter.contract().economicTerms().interestRatePayout().dayCountFraction()).isEqualTo("ACT/365.FIXED");
    }

    @Test
    void eachUnknownOrInactiveItemHasItsOwnReasonAndTheBlotterWaitsForApproval() {
        Security inactive = new Security("US0378331005", "US0378331005", "AAPL.O", "USD", "EQUITY", "XNAS", false);
        Book inactiveBook = new Book("BOOK-01", "DELTA-ONE", "PB-US-LLC", false);
        SwapBlotter blotter = SwapBlotterFactory.form(trade("US0378331005", "USD", TradeAction.NEW, null), inactive,
                null, inactiveBook);

        assertThat(blotter.enrichmentStatus()).isEqualTo(SwapBlotter.PARTIAL);
        assertThat(blotter.workflowStatus()).isEqualTo(SwapBlotter.PENDING_APPROVAL);
        assertThat(blotter.positionState()).isEqualTo("EXECUTED");
        assertThat(blotter.missingReferenceData()).extracting(MissingReference::reason)
                .containsExactly(ReasonCode.INACTIVE_SECURITY, ReasonCode.UNKNOWN_ACCOUNT, ReasonCode.INACTIVE_BOOK);
        assertThat(blotter.missingReferenceData()).extracting(MissingReference::detail)
                .containsExactly("security:US0378331005 inactive", "account:ACC-001 unknown", "book:BOOK-01 inactive");

        SwapBlotter noBook = SwapBlotterFactory.form(trade("US0378331005", "SEK", TradeAction.NEW, null),
                new Security("US0378331005", null, null, "USD", "EQUITY", null, true), ACCOUNT, null);
        assertThat(noBook.missingReferenceData()).extracting(MissingReference::reason)
                .containsExactly(ReasonCode.UNKNOWN_BOOK, ReasonCode.NO_FINANCING_INDEX);
    }

    @Test
    void eachCurrencyFloatsOnItsOvernightIndex() {
        assertThat(FloatingRateIndex.forCurrency("USD").name()).isEqualTo("SOFR");
        assertThat(FloatingRateIndex.forCurrency("EUR").name()).isEqualTo("ESTR");
        assertThat(FloatingRateIndex.forCurrency("GBP").name()).isEqualTo("SONIA");
        assertThat(FloatingRateIndex.forCurrency("JPY").name()).isEqualTo("TONA");
        assertThat(FloatingRateIndex.forCurrency("XYZ")).isNull();
    }
}
