package com.pb.synth.loadtest;

import java.sql.Connection;
import java.sql.DriverManager;

/**
 * After an HTTP run: waits until every job the service accepted for the run has its trade captured,
 * and fails when fewer jobs exist than wrk counted 2xx answers (an accepted trade lost) or when
 * captures stop short of the jobs.
 *
 * <p>Arguments: jdbc-url user password run accepted-by-wrk timeout-seconds. Trade ids of the run are
 * {@code HTTP-<run>-…} (load-tests/http/capture.lua).
 */
public final class HttpCheck {

    public static void main(String[] args) throws Exception {
        String prefix = "HTTP-" + args[3] + "-%";
        long accepted = Long.parseLong(args[4]);
        long deadline = System.nanoTime() + Long.parseLong(args[5]) * 1_000_000_000L;
        try (Connection c = DriverManager.getConnection(args[0], args[1], args[2])) {
            long jobs = Verifier.count(c, "SELECT count(*) FROM ingest_jobs WHERE trade_id LIKE ? "
                    + "AND source_offset IS NOT NULL", prefix);
            long captured;
            do {
                captured = Verifier.count(c, "SELECT count(*) FROM trade_versions WHERE trade_id LIKE ?", prefix);
                if (captured >= jobs) {
                    break;
                }
                Thread.sleep(500); // polling the store for a condition, with the deadline above
            } while (System.nanoTime() < deadline);
            long reservations = Verifier.count(c, "SELECT count(*) FROM ingest_jobs WHERE trade_id LIKE ? "
                    + "AND source_offset IS NULL", prefix);
            boolean ok = jobs >= accepted && captured == jobs && reservations == 0;
            System.out.printf("http-check: wrk counted %d accepted, %d jobs stored, %d trades captured, "
                    + "%d reservations left: %s%n", accepted, jobs, captured, reservations, ok ? "OK" : "FAILED");
            System.exit(ok ? 0 : 1);
        }
    }
}
