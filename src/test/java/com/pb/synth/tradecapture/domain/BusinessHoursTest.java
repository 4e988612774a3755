package com.pb.synth.tradecapture.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class BusinessHoursTest {

    private static final BusinessHours NEW_YORK = BusinessHours.parse(ZoneId.of("America/New_York"), "08:00-18:00");
    private static final BusinessHours TOKYO = BusinessHours.parse(ZoneId.of("Asia/Tokyo"), "08:00-18:00");

    @Test
    void openOnWeekdaysBetweenOpenAndCloseLocalTimeOnly() {
        // Tuesday 1 December 2026: New York is UTC-5
        assertThat(NEW_YORK.isOpen(Instant.parse("2026-12-01T12:59:59Z"))).isFalse();   // 07:59:59
        assertThat(NEW_YORK.isOpen(Instant.parse("2026-12-01T13:00:00Z"))).isTrue();    // 08:00
        assertThat(NEW_YORK.isOpen(Instant.parse("2026-12-01T22:59:59Z"))).isTrue();    // 17:59:59
        assertThat(NEW_YORK.isOpen(Instant.parse("2026-12-01T23:00:00Z"))).isFalse();   // 18:00
        // Saturday 5 December, noon in New York
        assertThat(NEW_YORK.isOpen(Instant.parse("2026-12-05T17:00:00Z"))).isFalse();
        // Monday 09:00 in Tokyo is Monday 00:00 UTC; Sunday 00:00 UTC is Sunday 09:00 there: closed
        assertThat(TOKYO.isOpen(Instant.parse("2026-12-07T00:00:00Z"))).isTrue();
        assertThat(TOKYO.isOpen(Instant.parse("2026-12-06T00:00:00Z"))).isFalse();
        // Monday 07:30 in Tokyo is Sunday 22:30 UTC: not yet open
        assertThat(TOKYO.isOpen(Instant.parse("2026-12-06T22:30:00Z"))).isFalse();
        // Friday 18:30 in Tokyo
        assertThat(TOKYO.isOpen(Instant.parse("2026-12-04T09:30:00Z"))).isFalse();
    }

    @Test
    void daylightSavingMovesTheUtcHours() {
        // New York on summer time (UTC-4) in July: 08:00 local is 12:00 UTC
        assertThat(NEW_YORK.isOpen(Instant.parse("2026-07-07T12:00:00Z"))).isTrue();
        assertThat(NEW_YORK.isOpen(Instant.parse("2026-07-07T11:59:59Z"))).isFalse();
    }

    @Test
    void aRangeThatDoesNotOpenBeforeItClosesIsRefused() {
        assertThatThrownBy(() -> BusinessHours.parse(ZoneId.of("UTC"), "18:00-08:00"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BusinessHours.parse(ZoneId.of("UTC"), "08:00"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
