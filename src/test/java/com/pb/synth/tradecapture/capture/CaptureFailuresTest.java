package com.pb.synth.tradecapture.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.pb.synth.tradecapture.capture.CaptureFailures.Kind;
import com.pb.synth.tradecapture.domain.ReasonCode;
import io.vertx.core.VertxException;
import io.vertx.mssqlclient.MSSQLException;
import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class CaptureFailuresTest {

    private static PgException pg(String state) {
        return new PgException("message", "ERROR", state, "detail");
    }

    private static MSSQLException ms(int number, String message) {
        return new MSSQLException(number, (byte) 1, (byte) 16, message, "sql-1", null, 1);
    }

    /**
     * Babelfish reports PostgreSQL's serialization failure and lock timeout under its generic
     * 33557097 with PostgreSQL's message (the texts below as Babelfish 4.3 sent them): both are
     * transient, a serialization failure is run again as a whole transaction, and any other
     * 33557097 stays unclassified.
     */
    @Test
    void babelfishsGenericErrorIsToldApartByItsMessage() {
        MSSQLException serialization = ms(33557097, "could not serialize access due to concurrent update");
        MSSQLException lockTimeout = ms(33557097, "canceling statement due to lock timeout");
        assertThat(CaptureFailures.classify(serialization).kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(com.pb.synth.tradecapture.store.TransactionRetry.reason(serialization))
                .isEqualTo(com.pb.synth.tradecapture.store.TransactionRetry.Reason.SERIALIZATION);
        assertThat(CaptureFailures.classify(new RuntimeException("batch", lockTimeout)).kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(CaptureFailures.classify(ms(1222, "Lock request time out period exceeded.")).kind())
                .isEqualTo(Kind.TRANSIENT);
        assertThat(com.pb.synth.tradecapture.store.TransactionRetry.reason(lockTimeout)).isNull();
        assertThat(CaptureFailures.classify(ms(33557097, "column \"x\" does not exist")).kind())
                .isEqualTo(Kind.UNCLASSIFIED);
    }

    @Test
    void dataAndConstraintErrorsOfTheStoreIsolateButUniqueViolationsRetry() {
        assertThat(CaptureFailures.classify(pg("22003"))).isEqualTo(
                new CaptureFailures.Classified(Kind.DETERMINISTIC, ReasonCode.VALUE_OUT_OF_RANGE));
        assertThat(CaptureFailures.classify(pg("23514")).reason()).isEqualTo(ReasonCode.STORE_REJECTED);
        assertThat(CaptureFailures.classify(pg("23505")).kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(CaptureFailures.classify(pg("40P01")).kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(CaptureFailures.classify(pg("42P01")).kind()).as("a missing table concerns every record")
                .isEqualTo(Kind.TRANSIENT);
        assertThat(CaptureFailures.classify(pg("08006")).kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(CaptureFailures.classify(pg("P0001")).kind()).as("a trigger's RAISE").isEqualTo(Kind.UNCLASSIFIED);
    }

    @Test
    void sqlServerOverflowTruncationAndConstraintErrorsIsolate() {
        assertThat(CaptureFailures.classify(ms(8115, "Arithmetic overflow")).reason())
                .isEqualTo(ReasonCode.VALUE_OUT_OF_RANGE);
        assertThat(CaptureFailures.classify(ms(2628, "String or binary data would be truncated"))
                .reason()).isEqualTo(ReasonCode.STORE_REJECTED);
        assertThat(CaptureFailures.classify(ms(547, "CHECK constraint")).kind())
                .isEqualTo(Kind.DETERMINISTIC);
        assertThat(CaptureFailures.classify(ms(1205, "deadlock victim")).kind())
                .isEqualTo(Kind.TRANSIENT);
        assertThat(CaptureFailures.classify(ms(8009, "Data type 0x1F is unknown")).reason())
                .isEqualTo(ReasonCode.STORE_REJECTED);
        assertThat(CaptureFailures.classify(ms(208, "Invalid object name 'positions'")).kind())
                .as("a missing table concerns every record").isEqualTo(Kind.TRANSIENT);
        assertThat(CaptureFailures.classify(ms(33557097, "length for type varbinary must be at least 1")).kind())
                .as("Babelfish's generic error").isEqualTo(Kind.UNCLASSIFIED);
        assertThat(CaptureFailures.classify(ms(3960, "Snapshot isolation update conflict")).kind())
                .isEqualTo(Kind.TRANSIENT);
        assertThat(com.pb.synth.tradecapture.store.TransactionRetry.reason(ms(3960, "update conflict")))
                .as("a snapshot update conflict runs the transaction again").isEqualTo(
                        com.pb.synth.tradecapture.store.TransactionRetry.Reason.SERIALIZATION);
    }

    @Test
    void serviceArithmeticAndOversizedEventsIsolateWhileDependenciesRetry() {
        assertThat(CaptureFailures.classify(new RuntimeException(new ArithmeticException("BigInteger would overflow")))
                .reason()).isEqualTo(ReasonCode.VALUE_OUT_OF_RANGE);
        assertThat(CaptureFailures.classify(new RecordTooLargeException("too large")).reason())
                .isEqualTo(ReasonCode.EVENT_TOO_LARGE);
        assertThat(CaptureFailures.classify(new CaptureRejectedException(ReasonCode.EVENT_TOO_LARGE, "big")).kind())
                .isEqualTo(Kind.DETERMINISTIC);
        assertThat(CaptureFailures.classify(new TimeoutException("metadata")).kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(CaptureFailures.classify(new ConnectException("refused")).kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(CaptureFailures.classify(new VertxException("Connection is closed")).kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(CaptureFailures.classify(new ConcurrentCaptureException("fenced")).kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(CaptureFailures.classify(new IllegalStateException("who knows")).kind()).isEqualTo(Kind.UNCLASSIFIED);
    }
}
