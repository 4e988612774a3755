package com.pb.synth.tradecapture.domain;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * A validated trade version, the domain form of a capture request. Quantity and notional are
 * unsigned sums over the lots; {@link #side()} gives their sign in a position.
 */
public record Trade(String tradeId, int version, TradeAction action, Side side, PartitionKey key,
                    String source, LocalDate tradeDate, LocalDate settlementDate, Instant tradeTimestamp,
                    Instant bookingTimestamp, List<String> counterpartyIds, Long sequenceNumber,
                    String idempotencyKey, String enteredBy, Map<String, Object> metadata, List<Lot> lots)
        implements Sequenced {

    @Override
    public String sequenceKey() {
        return key.value();
    }

    // Sums as loops, not streams: rules, the blotter, the decision and the event each ask for them.
    // Starting from ZERO keeps the sum's scale what it always was (at least 0) for one lot too.
    public BigDecimal quantity() {
        BigDecimal sum = BigDecimal.ZERO;
        for (Lot lot : lots) {
            sum = sum.add(lot.quantity());
        }
        return sum;
    }

    public BigDecimal notional() {
        BigDecimal sum = BigDecimal.ZERO;
        for (Lot lot : lots) {
            sum = sum.add(lot.notional());
        }
        return sum;
    }

    /** Quantity weighted average price over the lots. */
    public BigDecimal price() {
        return Position.average(notional(), quantity());
    }

    public String currency() {
        return lots.get(0).currency();
    }

    /** What this version contributes to its key's position: nothing once cancelled. */
    public Contribution contribution(boolean pending) {
        if (action == TradeAction.CANCEL) {
            return Contribution.NONE;
        }
        return new Contribution(side.sign(quantity()), side.sign(notional()), true, pending);
    }
}
