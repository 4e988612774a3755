package com.pb.synth.tradecapture.domain;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * A region's business hours in its own time zone: Monday to Friday, from {@code open} (inclusive) to
 * {@code close} (exclusive), local time, daylight saving included. Alerts that only make sense while
 * the region trades (a low throughput) are gated on it; PromQL has no time zones.
 */
public record BusinessHours(ZoneId zone, LocalTime open, LocalTime close) {

    public BusinessHours {
        if (!open.isBefore(close)) {
            throw new IllegalArgumentException("business hours must open before they close: " + open + "-" + close);
        }
    }

    /** {@code "HH:MM-HH:MM"}, e.g. {@code 08:00-18:00}. */
    public static BusinessHours parse(ZoneId zone, String range) {
        String[] parts = range.trim().split("-");
        if (parts.length != 2) {
            throw new IllegalArgumentException("business hours are HH:MM-HH:MM, not " + range);
        }
        return new BusinessHours(zone, LocalTime.parse(parts[0].trim()), LocalTime.parse(parts[1].trim()));
    }

    public boolean isOpen(Instant at) {
        ZonedDateTime local = at.atZone(zone);
        DayOfWeek day = local.getDayOfWeek();
        if (day == DayOfWeek.SATURDAY || day == DayOfWeek.SUNDAY) {
            return false;
        }
        LocalTime time = local.toLocalTime();
        return !time.isBefore(open) && time.isBefore(close);
    }
}
