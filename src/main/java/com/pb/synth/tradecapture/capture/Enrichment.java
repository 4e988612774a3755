package com.pb.synth.tradecapture.capture;

import com.pb.synth.tradecapture.domain.ReasonCode;
import com.pb.synth.tradecapture.domain.Rejection;
import com.pb.synth.tradecapture.domain.Trade;
import com.pb.synth.tradecapture.domain.rules.RuleEngine;
import com.pb.synth.tradecapture.reference.ReferenceData;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The enrichment step, between parse and lock: each parsed trade's swap blotter from one
 * reference-data snapshot (securities, accounts, books) and the rules in force. Unknown or
 * inactive reference data does not reject a trade (its blotter is PARTIAL); a failure of
 * enrichment itself sets that one record aside (its reason, or CAPTURE_FAILED), never the batch.
 */
@Singleton
public class Enrichment {

    private static final Logger LOG = Logger.getLogger(Enrichment.class);

    /** The items, the parsed ones with their blotters; items rejected at parse stay as they are. */
    public List<CaptureItem> enrich(List<CaptureItem> parsed, ReferenceData.Snapshot ref) {
        List<CaptureItem> items = new ArrayList<>(parsed.size());
        for (CaptureItem item : parsed) {
            items.add(item.trade() == null ? item : enrich(item, ref));
        }
        return items;
    }

    private static CaptureItem enrich(CaptureItem item, ReferenceData.Snapshot ref) {
        Trade t = item.trade();
        try {
            return new CaptureItem(item.record(), t, RuleEngine.blotter(t, ref.securities().get(t.key().securityId()),
                    ref.accounts().get(t.key().accountId()), ref.books().get(t.key().bookId()), ref.rules()), null);
        } catch (RuntimeException e) {
            // classified as a record that fails to parse is: its own reason when the failure says one
            CaptureFailures.Classified c = CaptureFailures.classify(e);
            ReasonCode reason = c.kind() == CaptureFailures.Kind.DETERMINISTIC ? c.reason() : ReasonCode.CAPTURE_FAILED;
            IncomingTrade r = item.record();
            String why = CapturePipeline.describe(e);
            RecordLog.log(r, t, () -> LOG.warnf("record %s-%d@%d could not be enriched (%s): %s", r.topic(),
                    r.partition(), r.offset(), reason, why));
            // the trade stays with its refusal: its exception names it, and it keeps its place in its key's sequence
            return new CaptureItem(r, t, null, new Rejection(reason, why));
        }
    }
}
