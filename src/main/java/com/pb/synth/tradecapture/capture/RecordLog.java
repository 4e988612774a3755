package com.pb.synth.tradecapture.capture;

import com.pb.synth.tradecapture.domain.Trade;
import org.jboss.logging.MDC;

/**
 * A log line about one record carries, as MDC fields (fields of their own in JSON logs), the
 * record's {@code partition}, {@code offset}, {@code partitionKey} and {@code correlationId}, and the
 * trade's {@code tradeId} and {@code version} once it is read — never its economics. The fields are
 * set only around the line: capture runs on event loops, where a thread's MDC is no request's.
 */
final class RecordLog {

    private static final String[] KEYS = {"partition", "offset", "partitionKey", "correlationId", "tradeId", "version"};

    private RecordLog() {
    }

    static void log(IncomingTrade record, Trade trade, Runnable line) {
        put("partition", Integer.toString(record.partition()));
        put("offset", Long.toString(record.offset()));
        put("partitionKey", record.key());
        put("correlationId", record.correlationId());
        if (trade != null) {
            put("tradeId", trade.tradeId());
            put("version", Integer.toString(trade.version()));
        }
        try {
            line.run();
        } finally {
            for (String key : KEYS) {
                MDC.remove(key);
            }
        }
    }

    private static void put(String key, String value) {
        if (value != null) {
            MDC.put(key, value);
        }
    }
}
