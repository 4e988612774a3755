package com.pb.synth.loadtest;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The service books lots behind capture: once the run is captured, how many lot changes were still
 * queued, and when the queue was empty (the books caught up). The instances' CPU between the last
 * capture and then is booking's, reported beside capture's.
 */
final class LotQueue {

    private LotQueue() {
    }

    /** {@code queuedAtEnd} changes queued when the wait began; the queue empty at {@code emptyAtMs} (-1: not by the deadline). */
    record Drained(long queuedAtEnd, long emptyAtMs) {
    }

    /** Waits up to {@code timeoutMs} for the queue to empty; null when the store has no lot queue (a build before it). */
    static Drained await(String url, String user, String password, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        try (Connection c = DriverManager.getConnection(url, user, password); Statement st = c.createStatement()) {
            long first = -1;
            while (true) {
                long n;
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM lot_queue")) {
                    rs.next();
                    n = rs.getLong(1);
                }
                if (first < 0) {
                    first = n;
                }
                if (n == 0) {
                    return new Drained(first, System.currentTimeMillis());
                }
                if (System.currentTimeMillis() > deadline) {
                    return new Drained(first, -1);
                }
                Thread.sleep(200);
            }
        } catch (SQLException e) {
            return null;
        }
    }
}
