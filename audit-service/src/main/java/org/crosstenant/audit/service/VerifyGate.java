package org.crosstenant.audit.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How often each tenant may start a whole-log verification: at most once per {@code minInterval}. Thread-safe.
 * Remembers at most {@link #MAX_TENANTS} tenants; entries whose interval passed are forgotten first.
 */
public final class VerifyGate {

    static final int MAX_TENANTS = 10_000;

    private final Duration minInterval;
    private final Clock clock;
    private final Map<String, Instant> lastStart = new HashMap<>();

    /**
     * @param minInterval least time between two starts by one tenant; zero or negative = no limit
     * @param clock       the time source (a fixed clock in tests)
     */
    public VerifyGate(Duration minInterval, Clock clock) {
        this.minInterval = minInterval;
        this.clock = clock;
    }

    /**
     * Admits a tenant's start of a verification and remembers it, or refuses it.
     *
     * @return empty when admitted; otherwise how long until the tenant may start again (positive)
     */
    public synchronized Optional<Duration> admit(String tenant) {
        if (minInterval.isZero() || minInterval.isNegative()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Instant last = lastStart.get(tenant);
        if (last != null) {
            Duration wait = Duration.between(now, last.plus(minInterval));
            if (wait.compareTo(Duration.ZERO) > 0) {
                return Optional.of(wait);
            }
        }
        if (lastStart.size() >= MAX_TENANTS) {
            lastStart.values().removeIf(start -> !start.plus(minInterval).isAfter(now));
            if (lastStart.size() >= MAX_TENANTS) {
                // more distinct tenants within one interval than any deployment has: refuse rather than grow
                return Optional.of(minInterval);
            }
        }
        lastStart.put(tenant, now);
        return Optional.empty();
    }
}
