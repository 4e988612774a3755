package com.pb.synth.tradecapture.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SwapBlotterFactoryTest {

    private static final Account ACCOUNT = new Account("ACC-001", "PB-US-LLC", "us", new BigDecimal("45"), 12,
            "MONTHLY", true, true);
    private static final Book BOOK = new Book("BOOK-01", "DELTA-ONE", "PB-US-LLC", true);

    private static Trade trade(String security, String currency, TradeAction action) {
        return new Trade("T1", 1, action, Side.BUY, new PartitionKey("ACC-001", "BOOK-01", security), "AUTOMATED",
                LocalDate.of(2026, 11, 27), null, null, null, List.of(), null, null, null, Map.of(),
                List.of(new Lot(List.of(), new BigDecimal("100"), "Share", new BigDecimal("10"), currency)));
    }

    @Test
    void formsTheSwapOnTheAccountsTermsWithTheCurrencysIndex() {
        Security sec = new Security("GB0005405286", "GB0005405286", "HSBA.L", "GBP", "EQUITY", "XLON", true);
        SwapBlotter blotter = SwapBlotterFactory.form(trade(sec.securityId(), "GBP", TradeAction.NEW), sec, ACCOUNT, BOOK);

        var terms = blotter.contract().economicTerms();
        assertThat(terms.effectiveDate()).as("T+2 business days from a Friday").isEqualTo(LocalDate.of(2026, 12, 1));
        assertThat(terms.terminationDate()).isEqualTo(LocalDate.of(2027, 12, 1));
        assertThat(terms.interestRatePayout().floatingRateIndex()).isEqualTo("SONIA");
        assertThat(terms.interestRatePayout().dayCountFraction()).isEqualTo("ACT/365.FIXED");
        assertThat(terms.interestRatePayout().spreadBps()).isEqualByComparingTo("45");
        assertThat(terms.performancePayout().notional()).isEqualByComparingTo("1000");
        assertThat(blotter.enrichmentStatus()).isEqualTo(SwapBlotter.COMPLETE);
        assertThat(blotter.workflowStatus()).isEqualTo(SwapBlotter.APPROVED);
        assertThat(blotter.positionState()).isEqualTo("FORMED");
        assertThat(blotter.enrichmentSources()).containsExactly("security", "account", "book");
    }

    @Test
    void unknownOrInactiveReferenceDataGivesAPartialPendingBlotter() {
        Security inactive = new Security("US0378331005", "US0378331005", "AAPL.O", "USD", "EQUITY", "XNAS", false);
        SwapBlotter blotter = SwapBlotterFactory.form(trade("US0378331005", "USD", TradeAction.NEW), inactive, null, BOOK);

        assertThat(blotter.enrichmentStatus()).isEqualTo(SwapBlotter.PARTIAL);
        assertThat(blotter.workflowStatus()).isEqualTo(SwapBlotter.PENDING_APPROVAL);
        assertThat(blotter.positionState()).isEqualTo("EXECUTED");
        assertThat(blotter.missingReferenceData())
                .containsExactly("security:US0378331005 inactive", "account:ACC-001 unknown");
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
