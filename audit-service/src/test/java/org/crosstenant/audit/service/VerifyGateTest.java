package org.crosstenant.audit.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class VerifyGateTest {

    /** A clock the test moves by hand. */
    private static final class HandClock extends Clock {
        Instant now = Instant.parse("2026-12-01T10:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void aTenantMayStartOncePerIntervalOthersAreNotHeldBack() {
        HandClock clock = new HandClock();
        VerifyGate gate = new VerifyGate(Duration.ofSeconds(30), clock);
        assertThat(gate.admit("contoso")).isEmpty();
        clock.now = clock.now.plusSeconds(10);
        assertThat(gate.admit("contoso")).contains(Duration.ofSeconds(20));
        assertThat(gate.admit("fabrikam")).isEmpty();
        clock.now = clock.now.plusSeconds(20);
        assertThat(gate.admit("contoso")).isEmpty();
        // a refused call does not push the next start further out
        clock.now = clock.now.plusSeconds(5);
        assertThat(gate.admit("contoso")).contains(Duration.ofSeconds(25));
        clock.now = clock.now.plusSeconds(25);
        assertThat(gate.admit("contoso")).isEmpty();
    }

    @Test
    void zeroIntervalAdmitsEverything() {
        VerifyGate gate = new VerifyGate(Duration.ZERO, new HandClock());
        assertThat(gate.admit("contoso")).isEmpty();
        assertThat(gate.admit("contoso")).isEmpty();
    }

    @Test
    void theMemoryOfTenantsIsBounded() {
        HandClock clock = new HandClock();
        VerifyGate gate = new VerifyGate(Duration.ofSeconds(30), clock);
        for (int i = 0; i < VerifyGate.MAX_TENANTS; i++) {
            assertThat(gate.admit("t" + i)).isEmpty();
        }
        assertThat(gate.admit("one-too-many")).contains(Duration.ofSeconds(30));
        clock.now = clock.now.plusSeconds(30);
        // the expired entries are forgotten, so a new tenant gets in again
        assertThat(gate.admit("one-too-many")).isEmpty();
    }
}
