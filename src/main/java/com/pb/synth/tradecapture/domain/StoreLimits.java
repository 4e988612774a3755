package com.pb.synth.tradecapture.domain;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * What both stores (PostgreSQL and SQL Server) can hold, checked at the edge so that nothing that
 * passes validation fails at the store because of its values.
 *
 * <ul>
 *   <li>Decimals are {@code DECIMAL(28,8)}: below 10^20 in absolute value, at most 8 decimal places
 *       once trailing zeros are dropped. More places are refused, never rounded.</li>
 *   <li>A notional is quantity x price rounded half-even to 8 places ({@link #money}); it too must
 *       stay below 10^20, and so must a position.</li>
 *   <li>Dates and instants lie in 0001-01-01..9999-12-31 (SQL Server's {@code DATE} and
 *       {@code DATETIMEOFFSET} range).</li>
 *   <li>Text is valid Unicode (no lone surrogate) without control characters (PostgreSQL refuses NUL).</li>
 * </ul>
 */
public final class StoreLimits {

    public static final int SCALE = 8;
    public static final BigDecimal LIMIT = BigDecimal.TEN.pow(28 - SCALE);
    public static final LocalDate MIN_DATE = LocalDate.of(1, 1, 1);
    public static final LocalDate MAX_DATE = LocalDate.of(9999, 12, 31);
    private static final Instant MIN_INSTANT = MIN_DATE.atStartOfDay().toInstant(ZoneOffset.UTC);
    private static final Instant MAX_INSTANT = MAX_DATE.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);

    private StoreLimits() {
    }

    /** Why a decimal does not fit {@code DECIMAL(28,8)}, or null when it does. */
    public static String decimalProblem(BigDecimal value) {
        if (value == null) {
            return null;
        }
        // precision - scale is the count of integer digits, computed without expanding the value.
        if ((long) value.precision() - value.scale() > 28 - SCALE) {
            return "must be below 10^" + (28 - SCALE) + " in absolute value";
        }
        if (value.signum() != 0 && value.stripTrailingZeros().scale() > SCALE) {
            return "must have at most " + SCALE + " decimal places";
        }
        return null;
    }

    /** True when an amount the service computed (a notional, a position) fits {@code DECIMAL(28,8)}. */
    public static boolean fits(BigDecimal amount) {
        return amount.abs().compareTo(LIMIT) < 0;
    }

    /** An amount at the stores' scale: half-even to 8 places. */
    public static BigDecimal money(BigDecimal amount) {
        return amount.setScale(SCALE, RoundingMode.HALF_EVEN);
    }

    public static String dateProblem(LocalDate date) {
        return date == null || (!date.isBefore(MIN_DATE) && !date.isAfter(MAX_DATE)) ? null
                : "must be between " + MIN_DATE + " and " + MAX_DATE;
    }

    public static String instantProblem(Instant instant) {
        return instant == null || (!instant.isBefore(MIN_INSTANT) && instant.isBefore(MAX_INSTANT)) ? null
                : "must be between " + MIN_INSTANT + " and " + MAX_DATE + "T23:59:59.999Z";
    }

    /** Why a text cannot be stored or written as UTF-8, or null when it can. */
    public static String textProblem(String text) {
        if (text == null) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                return "must not contain control characters";
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "must be valid Unicode (a lone surrogate at " + i + ")";
            }
        }
        return null;
    }

    /** Text made safe for a store column and a header: control characters and lone surrogates replaced, cut to max. */
    public static String sanitize(String text, int max) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), max));
        for (int i = 0; i < text.length() && out.length() < max; i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                if (out.length() + 2 > max) {
                    break;
                }
                out.append(c).append(text.charAt(++i));
            } else {
                out.append(Character.isISOControl(c) || Character.isSurrogate(c) ? '?' : c);
            }
        }
        return out.toString();
    }
}
