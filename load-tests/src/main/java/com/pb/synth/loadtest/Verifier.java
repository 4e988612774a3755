package com.pb.synth.loadtest;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Checks the store against the generator's own bookkeeping: every trade version stored once,
 * every key's position equal to the sum the generator computed, no rejects.
 */
public final class Verifier {

    /** What the database holds for the run. */
    public record Result(long storedVersions, long positionMismatches, long missingPositions, long exceptions,
                         String firstMismatch) {
    }

    public static Result verify(String url, String user, String password, String run, TradeMix mix)
            throws SQLException {
        return verify(url, user, password, run, mix, Map.of());
    }

    /** The same, each key's position checked for what the run added to {@code before} (the positions it started from). */
    public static Result verify(String url, String user, String password, String run, TradeMix mix,
                                Map<String, Object[]> before) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            long stored = count(c, "SELECT count(*) FROM trade_versions WHERE trade_id LIKE ?", run + "-%");
            // the run's poison records (trade ids <run>-P<n>) are meant to be set aside; nothing else is
            long exceptions = count(c, "SELECT count(*) FROM trade_exceptions WHERE trade_id LIKE ? AND trade_id NOT LIKE ?",
                    run + "-%", run + "-P%");
            Map<String, Object[]> positions = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT partition_key, quantity, notional, trade_count FROM positions");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    positions.put(rs.getString(1), new Object[] {rs.getBigDecimal(2), rs.getBigDecimal(3), rs.getInt(4)});
                }
            }
            long mismatches = 0, missing = 0;
            String first = null;
            for (TradeMix.Key k : mix.keys()) {
                if (k.ops.isEmpty()) {
                    continue;
                }
                Object[] p = positions.get(k.id);
                if (p == null) {
                    missing++;
                    continue;
                }
                Object[] b = before.getOrDefault(k.id, new Object[] {BigDecimal.ZERO, BigDecimal.ZERO, 0});
                BigDecimal quantity = ((BigDecimal) b[0]).add(k.quantity);
                BigDecimal notional = ((BigDecimal) b[1]).add(k.notional);
                int trades = (int) b[2] + k.tradeCount();
                boolean same = ((BigDecimal) p[0]).compareTo(quantity) == 0
                        && ((BigDecimal) p[1]).compareTo(notional) == 0 && (int) p[2] == trades;
                if (!same) {
                    mismatches++;
                    if (first == null) {
                        first = k.id + ": stored " + p[0] + "/" + p[1] + "/" + p[2] + ", expected " + quantity + "/"
                                + notional + "/" + trades;
                    }
                }
            }
            return new Result(stored, mismatches, missing, exceptions, first);
        }
    }

    static long count(Connection c, String sql, String... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
