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

    private static final int DEFAULT_TENOR_MONTHS = 12;
    private static final String DEFAULT_RESET = "MONTHLY";
    static final String INCOMPLETE = "reference data incomplete";
    static final String NOT_STRAIGHT_THROUGH = "account not straight-through eligible";
    static final String OVER_LIMIT = "notional over the account's limit";

    private SwapBlotterFactory() {
    }

    public static SwapBlotter form(Trade trade, Security security, Account account, Book book) {
        List<String> sources = new ArrayList<>(3);
        List<MissingReference> missing = new ArrayList<>(0);
        check("security", trade.key().securityId(), security != null, security != null && security.active(),
                ReasonCode.UNKNOWN_SECURITY, ReasonCode.INACTIVE_SECURITY, sources, missing);
        check("account", trade.key().accountId(), account != null, account != null && account.active(),
                ReasonCode.UNKNOWN_ACCOUNT, ReasonCode.INACTIVE_ACCOUNT, sources, missing);
        check("book", trade.key().bookId(), book != null, book != null && book.active(),
                ReasonCode.UNKNOWN_BOOK, ReasonCode.INACTIVE_BOOK, sources, missing);

        LocalDate effective = trade.settlementDate() != null ? trade.settlementDate() : addBusinessDays(trade.tradeDate(), 2);
        int tenor = account != null ? account.tenorMonths() : DEFAULT_TENOR_MONTHS;
        String currency = trade.currency();
        FloatingRateIndex index = FloatingRateIndex.forCurrency(currency);
        if (index == null) {
            missing.add(new MissingReference(ReasonCode.NO_FINANCING_INDEX, "floatingRateIndex:" + currency + " unknown"));
        }
        String dayCount = account != null && account.dayCount() != null ? account.dayCount()
                : index == null ? null : index.dayCount();
        var performance = new SwapBlotter.PerformancePayout(trade.key().securityId(),
                security == null ? null : security.isin(), "PRICE_RETURN", trade.quantity(), trade.price(), currency,
                trade.notional());
        var interest = new SwapBlotter.InterestRatePayout(index == null ? null : index.name(),
                account == null ? null : account.spreadBps(), dayCount,
                account == null ? DEFAULT_RESET : account.resetFrequency(), currency);
        var terms = new SwapBlotter.EconomicTerms(effective, effective.plusMonths(tenor), performance, interest);
        var contract = new SwapBlotter.Contract("SWAP-" + trade.tradeId(), SwapBlotter.TAXONOMY, terms);

        boolean complete = missing.isEmpty();
        List<String> approval = new ArrayList<>(0);
        if (!complete) {
            approval.add(INCOMPLETE);
        } else if (!account.straightThrough()) {
            approval.add(NOT_STRAIGHT_THROUGH);
        }
        if (account != null && account.maxTradeNotional() != null
                && trade.notional().abs().compareTo(account.maxTradeNotional()) > 0) {
            approval.add(OVER_LIMIT);
        }
        return new SwapBlotter(contract, complete ? SwapBlotter.COMPLETE : SwapBlotter.PARTIAL,
                WorkflowStatus.of(approval).name(), PositionState.of(trade, approval).name(), List.copyOf(sources), List.copyOf(missing),
                SwapBlotter.NonEconomicTerms.NONE, List.of(), List.copyOf(approval));
    }

    private static void check(String kind, String id, boolean found, boolean usable, ReasonCode unknown,
                              ReasonCode inactive, List<String> sources, List<MissingReference> missing) {
        if (usable) {
            sources.add(kind);
        } else {
            missing.add(new MissingReference(found ? inactive : unknown, kind + ":" + id + (found ? " inactive" : " unknown")));
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
