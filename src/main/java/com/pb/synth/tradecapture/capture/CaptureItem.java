package com.pb.synth.tradecapture.capture;

import com.pb.synth.tradecapture.domain.Rejection;
import com.pb.synth.tradecapture.domain.SwapBlotter;
import com.pb.synth.tradecapture.domain.Trade;

/** One record of a batch after parsing: a trade with the blotter it forms, or a rejection. */
public record CaptureItem(IncomingTrade record, Trade trade, SwapBlotter blotter, Rejection rejection) {

    public boolean accepted() {
        return trade != null;
    }
}
