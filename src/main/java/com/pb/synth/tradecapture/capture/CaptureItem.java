package com.pb.synth.tradecapture.capture;

import com.pb.synth.tradecapture.domain.ReasonCode;
import com.pb.synth.tradecapture.domain.RefusedSlot;
import com.pb.synth.tradecapture.domain.Rejection;
import com.pb.synth.tradecapture.domain.SwapBlotter;
import com.pb.synth.tradecapture.domain.Trade;

/**
 * One record of a batch after parsing: a trade with the blotter it forms, or a rejection (which
 * keeps the trade when there was one, for the exception row). {@code heldSince} is set while the
 * record waits for a sequence gap (epoch milliseconds of when it was first held). {@code slot} is a
 * rejected record's place in its key's sequence, when its key and number could be read: it is
 * decided in sequence order and consumes its number.
 */
public record CaptureItem(IncomingTrade record, Trade trade, SwapBlotter blotter, Rejection rejection,
                          Long heldSince, RefusedSlot slot) {

    public CaptureItem(IncomingTrade record, Trade trade, SwapBlotter blotter, Rejection rejection) {
        this(record, trade, blotter, rejection, null, rejection == null ? null : RefusedSlot.of(trade));
    }

    /** A record refused before it became a trade; {@code slot} when its key and number could be read anyway. */
    public static CaptureItem refused(IncomingTrade record, Rejection rejection, RefusedSlot slot) {
        return new CaptureItem(record, null, null, rejection, null, slot);
    }

    public boolean accepted() {
        return trade != null && rejection == null;
    }

    /** This record set aside with a reason: it goes to the DLQ and trade_exceptions, in its key's sequence. */
    public CaptureItem rejectedAs(ReasonCode reason, String detail) {
        return new CaptureItem(record, trade, blotter, new Rejection(reason, detail), heldSince,
                slot != null ? slot : RefusedSlot.of(trade));
    }

    public CaptureItem heldAt(long millis) {
        return new CaptureItem(record, trade, blotter, rejection, millis, slot);
    }

    public String key() {
        return trade != null ? trade.key().value() : record.key();
    }
}
