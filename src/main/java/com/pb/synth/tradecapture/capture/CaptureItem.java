package com.pb.synth.tradecapture.capture;

import com.pb.synth.tradecapture.domain.ReasonCode;
import com.pb.synth.tradecapture.domain.Rejection;
import com.pb.synth.tradecapture.domain.SwapBlotter;
import com.pb.synth.tradecapture.domain.Trade;

/**
 * One record of a batch after parsing: a trade with the blotter it forms, or a rejection (which
 * keeps the trade when there was one, for the exception row). {@code heldSince} is set while the
 * trade waits for a sequence gap (epoch milliseconds of when it was first held).
 */
public record CaptureItem(IncomingTrade record, Trade trade, SwapBlotter blotter, Rejection rejection,
                          Long heldSince) {

    public CaptureItem(IncomingTrade record, Trade trade, SwapBlotter blotter, Rejection rejection) {
        this(record, trade, blotter, rejection, null);
    }

    public boolean accepted() {
        return trade != null && rejection == null;
    }

    /** This record set aside with a reason: it goes to the DLQ and trade_exceptions. */
    public CaptureItem rejectedAs(ReasonCode reason, String detail) {
        return new CaptureItem(record, trade, blotter, new Rejection(reason, detail), heldSince);
    }

    public CaptureItem heldAt(long millis) {
        return new CaptureItem(record, trade, blotter, rejection, millis);
    }

    public String key() {
        return trade != null ? trade.key().value() : record.key();
    }
}
