package com.pb.synth.tradecapture.domain;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Forms the swap contract of a trade from reference data. Unknown or inactive reference data does
 * not stop capture: the blotter is PARTIAL and waits for approval while operations repair it.
 */
public final class SwapBlotterFactory {

    public static final String TAXONOMY = "EquitySwap:PriceReturnBasicPerformance:SingleName";
    private static final int DEFAULT_TENOR_MONTHS = 12;
    private static final String DEFAULT_RESET = "MONTHLY";

    private SwapBlotterFactory() {
    }

    public static SwapBlotter form(Trade trade, Security security, Account account, Book book) {
        List<String> sources = new ArrayList<>(3);
        List<String> missing = new ArrayList<>(0);
        check("security", trade.key().securityId(), security, security != null && security.active(), sources, missing);
        check("account", trade.key().accountId(), account, account != null && account.active(), sources, missing);
        check("book", trade.key().bookId(), book, book != null && book.active(), sources, missing);

        LocalDate effective = trade.settlementDate() != null ? trade.settlementDate() : addBusinessDays(trade.tradeDate(), 2);
        int tenor = account != null ? account.tenorMonths() : DEFAULT_TENOR_MONTHS;
        String currency = trade.currency();
        FloatingRateIndex index = FloatingRateIndex.forCurrency(currency);
        if (index == null) {
            missing.add("floatingRateIndex:" + currency + " unknown");
        }
        var performance = new SwapBlotter.PerformancePayout(trade.key().securityId(),
                security == null ? null : security.isin(), "PRICE_RETURN", trade.quantity(), trade.price(), currency,
                trade.notional());
        var interest = new SwapBlotter.InterestRatePayout(index == null ? null : index.name(),
                account == null ? null : account.spreadBps(), index == null ? null : index.dayCount(),
                account == null ? DEFAULT_RESET : account.resetFrequency(), currency);
        var terms = new SwapBlotter.EconomicTerms(effective, effective.plusMonths(tenor), performance, interest);
        var contract = new SwapBlotter.Contract("SWAP-" + trade.tradeId(), TAXONOMY, terms);

        boolean complete = missing.isEmpty();
        boolean straightThrough = complete && account.straightThrough();
        String workflow = straightThrough ? SwapBlotter.APPROVED : SwapBlotter.PENDING_APPROVAL;
        String state = trade.action() == TradeAction.CANCEL ? "CANCELLED" : straightThrough ? "FORMED" : "EXECUTED";
        return new SwapBlotter(contract, complete ? SwapBlotter.COMPLETE : SwapBlotter.PARTIAL, workflow, state,
                List.copyOf(sources), List.copyOf(missing));
    }

    private static void check(String kind, String id, Object found, boolean usable, List<String> sources,
                              List<String> missing) {
        if (usable) {
            sources.add(kind);
        } else {
            missing.add(kind + ":" + id + (found == null ? " unknown" : " inactive"));
        }
    }

    static LocalDate addBusinessDays(LocalDate date, int days) {
        LocalDate d = date;
        int added = 0;
        while (added < days) {
            d = d.plusDays(1);
            if (d.getDayOfWeek() != DayOfWeek.SATURDAY && d.getDayOfWeek() != DayOfWeek.SUNDAY) {
                added++;
            }
        }
        return d;
    }
}
