package com.pb.synth.tradecapture.capture;

import com.pb.synth.tradecapture.lock.LockWaitAbandonedException;
import com.pb.synth.tradecapture.store.StoreErrors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.pb.synth.tradecapture.domain.ReasonCode;
import io.vertx.mssqlclient.MSSQLException;
import io.vertx.pgclient.PgException;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.util.Set;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Sorts a batch's failure into what waiting cures and what it never will.
 *
 * <ul>
 *   <li>{@link Kind#TRANSIENT}: a dependency or a concurrent writer (connections refused or closed,
 *       timeouts, pools exhausted, deadlock and serialization victims, a key locked or fenced
 *       elsewhere, the broker unavailable). The batch is retried with backoff; nothing is lost.</li>
 *   <li>{@link Kind#DETERMINISTIC}: the data of some record (the store's data and constraint errors,
 *       SQLSTATE classes 22 and 23 but for unique violations, which are concurrent writers; SQL
 *       Server's overflow, truncation and conversion errors; arithmetic and date errors in the
 *       service; an event the broker cannot take). The batch is split until the record is found.</li>
 *   <li>{@link Kind#UNCLASSIFIED}: anything else (SQL Server errors not listed here among them).
 *       Retried like a transient failure a few times, then isolated like a deterministic one,
 *       setting a record aside only while the dependencies answer and other work commits.</li>
 * </ul>
 * Failures that concern every record alike (a broken statement, a missing table, a permission)
 * are never deterministic: isolating them would set every record aside.
 */
public final class CaptureFailures {

    public enum Kind { TRANSIENT, DETERMINISTIC, UNCLASSIFIED }

    /** A failure's kind and, for a record that is set aside, the reason code it gets. */
    public record Classified(Kind kind, ReasonCode reason) {
    }

    /** SQL Server errors for values: arithmetic overflow and conversion to numeric, dates, text. */
    private static final Set<Integer> MSSQL_VALUE = Set.of(220, 232, 241, 242, 517, 8114, 8115, 8134);
    /**
     * SQL Server errors for rows: truncation, NULL into NOT NULL, CHECK and foreign-key conflicts,
     * and the TDS RPC parameter errors a value can cause (8009 and its kin: a parameter the server
     * cannot take).
     */
    private static final Set<Integer> MSSQL_ROW = Set.of(245, 515, 547, 2628, 8152, 8009, 8016, 8018, 8023);
    /**
     * SQL Server errors that concern every record alike (an object or column missing, a syntax
     * error, a permission, the database or login unavailable), or that waiting cures (deadlock and
     * snapshot conflict victims, a unique-key race): never a record's fault.
     */
    /**
     * PostgreSQL SQLSTATE classes that waiting cures or that concern every record alike: connection
     * (08), transaction rollback (40), resources (53), object state (55), operator intervention (57),
     * system (58), syntax and access (42), catalog (3D), authorization (28), transaction state (25),
     * internal (XX). Others (a trigger's RAISE, P0001, say) are unclassified.
     */
    private static final Set<String> PG_EVERYONE = Set.of("08", "40", "53", "55", "57", "58", "42", "3D", "28",
            "25", "XX");
    private static final Set<Integer> MSSQL_EVERYONE = Set.of(102, 207, 208, 229, 230, 262, 916, 4060, 18456,
            1205, 3960, 2601, 2627, 1222, -2);

    private CaptureFailures() {
    }

    public static Classified classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            Classified c = one(t);
            if (c != null) {
                return c;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return new Classified(Kind.UNCLASSIFIED, ReasonCode.CAPTURE_FAILED);
    }

    private static Classified one(Throwable t) {
        if (t instanceof CaptureRejectedException r) {
            return deterministic(r.reason());
        }
        if (t instanceof ConcurrentCaptureException || t instanceof LockWaitAbandonedException
                // an event stamped too long before it reached the captured topic: capture the batch again
                || t instanceof org.apache.kafka.common.errors.InvalidTimestampException) {
            return new Classified(Kind.TRANSIENT, null);
        }
        if (t instanceof PgException pg && pg.getSqlState() != null) {
            String state = pg.getSqlState();
            if (state.startsWith("22")) {
                return deterministic(ReasonCode.VALUE_OUT_OF_RANGE);
            }
            if (state.startsWith("23") && !"23505".equals(state)) {
                return deterministic(ReasonCode.STORE_REJECTED);
            }
            return "23505".equals(state) || PG_EVERYONE.contains(state.substring(0, 2))
                    ? new Classified(Kind.TRANSIENT, null) : new Classified(Kind.UNCLASSIFIED, ReasonCode.STORE_REJECTED);
        }
        if (t instanceof MSSQLException ms) {
            if (StoreErrors.serialization(ms) || StoreErrors.lockTimeout(ms) || StoreErrors.deadlock(ms)) {
                return new Classified(Kind.TRANSIENT, null); // Babelfish wraps these in its generic 33557097
            }
            if (MSSQL_VALUE.contains(ms.number())) {
                return deterministic(ReasonCode.VALUE_OUT_OF_RANGE);
            }
            if (MSSQL_ROW.contains(ms.number())) {
                return deterministic(ReasonCode.STORE_REJECTED);
            }
            // Anything else (Babelfish reports what it cannot map under one generic number) is
            // unclassified: retried, then isolated only while other work commits meanwhile.
            return MSSQL_EVERYONE.contains(ms.number()) ? new Classified(Kind.TRANSIENT, null)
                    : new Classified(Kind.UNCLASSIFIED, ReasonCode.STORE_REJECTED);
        }
        if (t instanceof ArithmeticException || t instanceof DateTimeException) {
            return deterministic(ReasonCode.VALUE_OUT_OF_RANGE);
        }
        if (t instanceof RecordTooLargeException) {
            return deterministic(ReasonCode.EVENT_TOO_LARGE);
        }
        if (t instanceof SerializationException || t instanceof JsonProcessingException
                || t instanceof UncheckedIOException && t.getCause() instanceof JsonProcessingException) {
            return deterministic(ReasonCode.CAPTURE_FAILED);
        }
        if (t instanceof org.apache.kafka.common.errors.RetriableException
                || t instanceof java.util.concurrent.TimeoutException || t instanceof java.io.IOException
                || t instanceof io.vertx.core.VertxException || t instanceof io.vertx.core.impl.NoStackTraceThrowable) {
            return new Classified(Kind.TRANSIENT, null);
        }
        return null;
    }

    private static Classified deterministic(ReasonCode reason) {
        return new Classified(Kind.DETERMINISTIC, reason);
    }
}
