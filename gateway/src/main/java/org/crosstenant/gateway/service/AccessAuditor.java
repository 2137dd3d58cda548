package org.crosstenant.gateway.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import org.crosstenant.gateway.model.AccessDecision;
import org.crosstenant.gateway.model.AccessEvent;
import org.crosstenant.gateway.model.FederatedIdentity;

/**
 * Turns /apps access decisions into {@code gateway.access} events the way sign-in logs do, not one per HTTP request:
 * <ul>
 * <li><b>allowed</b>: one window per (caller tenant + subject, resource tenant, application, federated session). The
 * first request of a window is handed over at once (a sign-in is seen immediately, {@code requestCount} 1); the
 * requests after it are counted and handed over as one summary when the window ends ({@code requestCount} = how many,
 * {@code path} = the first of them). A later request opens a new window.</li>
 * <li><b>denied</b>: every denial is an event, but at most {@code deniedPerSecond} per caller and resource tenant
 * per second; the others are counted and that count ({@code suppressedCount}) travels on the next emitted denial of
 * the same caller and tenant, or on a flush of the last suppressed denial once the second is over. The key takes
 * nothing else from the URL: application names are the caller's choice (random ones would each get a limit of their
 * own and flood the audit log), and resource tenants that are not federated here share one limit per caller. On top
 * of that, all callers of one home tenant together get at most {@code deniedPerSecondPerTenant} denial events per
 * second against one resource tenant (a tenant's identity provider can mint any number of subjects); beyond it the
 * denials are counted and the count travels on that pair's last suppressed denial once the second is over. A caller
 * beyond {@code maxTrackedKeys} is held to the pair's budget alone.</li>
 * </ul>
 * Every request is thus accounted for exactly once: sum of {@code requestCount} over allowed events + sum of
 * (1 + {@code suppressedCount}) over denied events = requests decided. State is bounded by {@code maxTrackedKeys};
 * a new key beyond it is handed over at once, untracked, rather than dropped. When the sink refuses an event (its
 * buffer is full) the counts stay here and are offered again on the next {@link #flush()}: back-pressure, not loss.
 * Only an untracked event the sink refuses is lost, and counted by {@code dropped}.
 * <p>
 * Thread-safe: request threads and the flusher work on a {@link ConcurrentHashMap} per key.
 */
public class AccessAuditor {

    private static final Duration DENIAL_PERIOD = Duration.ofSeconds(1);
    /** The denial-limit key of every resource tenant that is not federated here ("" is never a tenant id). */
    private static final String OTHER_TENANTS = "";

    private final Duration window;
    private final int deniedPerSecond;
    private final Predicate<String> knownTenant;
    private final int maxTrackedKeys;
    private final Predicate<AccessEvent> sink;
    private final Clock clock;
    private final Counters counters;
    private final Map<AllowedKey, Window> windows = new ConcurrentHashMap<>();
    private final Map<DeniedKey, Limiter> limiters = new ConcurrentHashMap<>();
    /** Per (home tenant, resource tenant or OTHER_TENANTS): bounded by the federated tenants, not by callers. */
    private final Map<TenantPair, Limiter> pairLimiters = new ConcurrentHashMap<>();
    private final int deniedPerSecondPerTenant;

    /** What the auditor counts; the CDI side binds these to Micrometer. */
    public interface Counters {
        /** One denial left out of the events (it travels as suppressedCount). */
        void suppressed();

        /** Events (and thus requests) lost: only an untracked event the sink refused. */
        void dropped(long requests);

        /** No counting (unit tests). */
        Counters NONE = new Counters() {
            @Override
            public void suppressed() {
            }

            @Override
            public void dropped(long requests) {
            }
        };
    }

    /**
     * @param window aggregation window of allowed access (positive)
     * @param deniedPerSecond denial events per caller and resource tenant per second (at least 1)
     * @param deniedPerSecondPerTenant denial events per second of all callers of one home tenant against one
     *        resource tenant (at least {@code deniedPerSecond})
     * @param knownTenant whether a resource tenant from the URL is one federated here (others share one limit)
     * @param maxTrackedKeys bound of windows + limiters tracked
     * @param sink takes an event for publication; false = refused for now (buffer full), offer it again later
     * @param clock time source
     * @param counters suppressed / dropped counters
     */
    public AccessAuditor(Duration window, int deniedPerSecond, int deniedPerSecondPerTenant,
            Predicate<String> knownTenant, int maxTrackedKeys, Predicate<AccessEvent> sink, Clock clock,
            Counters counters) {
        if (window.isNegative() || window.isZero() || deniedPerSecond < 1 || maxTrackedKeys < 1
                || deniedPerSecondPerTenant < deniedPerSecond) {
            throw new IllegalArgumentException("window must be positive, deniedPerSecond and maxTrackedKeys >= 1,"
                    + " deniedPerSecondPerTenant >= deniedPerSecond");
        }
        this.deniedPerSecondPerTenant = deniedPerSecondPerTenant;
        this.window = window;
        this.deniedPerSecond = deniedPerSecond;
        this.knownTenant = knownTenant;
        this.maxTrackedKeys = maxTrackedKeys;
        this.sink = sink;
        this.clock = clock;
        this.counters = counters;
    }

    /**
     * Records one decided /apps request.
     *
     * @param caller the verified caller (its {@code session} groups allowed requests)
     * @param resourceTenant the application's tenant
     * @param application the application id
     * @param decision the outcome (allowed or not, guest, reason)
     * @param method HTTP method
     * @param path the path as served (allowed) or refused (denied)
     */
    public void record(FederatedIdentity caller, String resourceTenant, String application, AccessDecision decision,
            String method, String path) {
        Instant now = clock.instant();
        if (decision.allowed()) {
            allowed(caller, resourceTenant, application, decision, method, path, now);
        } else {
            denied(caller, resourceTenant, application, decision, method, path, now);
        }
    }

    private void allowed(FederatedIdentity caller, String resourceTenant, String application, AccessDecision decision,
            String method, String path, Instant now) {
        AllowedKey key = new AllowedKey(caller.tenant(), caller.subject(), resourceTenant, application,
                caller.session());
        if (!windows.containsKey(key) && trackedKeys() >= maxTrackedKeys) {
            emitUntracked(new AccessEvent(true, caller, resourceTenant, application, decision.guest(), method, path,
                    decision.reason(), caller.session(), 1, now, now, 0));
            return;
        }
        windows.compute(key, (k, w) -> {
            if (w == null) {
                w = new Window(caller, decision, now.plus(window));
                if (sink.test(new AccessEvent(true, caller, resourceTenant, application, decision.guest(), method,
                        path, decision.reason(), caller.session(), 1, now, now, 0))) {
                    return w;
                }
            }
            w.add(method, path, now);
            return w;
        });
    }

    private void denied(FederatedIdentity caller, String resourceTenant, String application, AccessDecision decision,
            String method, String path, Instant now) {
        String bucket = knownTenant.test(resourceTenant) ? resourceTenant : OTHER_TENANTS;
        TenantPair pair = new TenantPair(caller.tenant(), bucket);
        DeniedKey key = new DeniedKey(caller.tenant(), caller.subject(), bucket);
        AccessEvent event = new AccessEvent(false, caller, resourceTenant, application, decision.guest(), method, path,
                decision.reason(), null, 0, now, now, 0);
        if (!limiters.containsKey(key) && trackedKeys() >= maxTrackedKeys) {
            // an untracked caller is held to its tenant pair's budget alone
            if (offerWithinPairBudget(pair, event, now) == Offer.REFUSED) {
                counters.dropped(1);
            }
            return;
        }
        limiters.compute(key, (k, l) -> {
            l = Limiter.current(l, now);
            if (l.emitted >= deniedPerSecond) {
                l.suppressed++;
                l.last = event;
                counters.suppressed();
                return l;
            }
            AccessEvent carrying = withSuppressed(event, l.suppressed);
            switch (offerWithinPairBudget(pair, carrying, now)) {
                case EMITTED -> {
                    l.emitted++;
                    l.suppressed = 0;
                    l.last = null;
                }
                // counted by the pair; this caller's own pending count stays here for its next event
                case PAIR_SUPPRESSED -> {
                }
                case REFUSED -> { // sink full: held, offered again on a flush
                    l.suppressed++;
                    l.last = event;
                    counters.suppressed();
                }
            }
            return l;
        });
    }

    private enum Offer { EMITTED, PAIR_SUPPRESSED, REFUSED }

    /**
     * Hands {@code event} to the sink if the home tenant's callers have not used up this second's budget against the
     * resource tenant; otherwise counts it on the pair (its last suppressed denial carries the count at a flush).
     */
    private Offer offerWithinPairBudget(TenantPair pair, AccessEvent event, Instant now) {
        Offer[] outcome = new Offer[1];
        pairLimiters.compute(pair, (k, p) -> {
            p = Limiter.current(p, now);
            if (p.emitted >= deniedPerSecondPerTenant) {
                p.suppressed++;
                p.last = withSuppressed(event, 0);
                counters.suppressed();
                outcome[0] = Offer.PAIR_SUPPRESSED;
            } else if (sink.test(event)) {
                p.emitted++;
                outcome[0] = Offer.EMITTED;
            } else {
                outcome[0] = Offer.REFUSED;
            }
            return p;
        });
        return outcome[0];
    }

    private static AccessEvent withSuppressed(AccessEvent e, int suppressed) {
        return new AccessEvent(e.allowed(), e.caller(), e.resourceTenant(), e.application(), e.guest(), e.method(),
                e.path(), e.reason(), e.session(), e.requestCount(), e.firstAt(), e.lastAt(), suppressed);
    }

    /**
     * Hands over what is due: summaries of ended windows, and the suppressed count of every caller and every tenant
     * pair whose second is over (carried by its last suppressed denial). Ended state is forgotten. Call it
     * periodically.
     */
    public void flush() {
        flush(clock.instant(), false);
    }

    /** Hands over everything still held (shutdown), whether or not its window has ended. */
    public void flushAll() {
        flush(clock.instant(), true);
    }

    /** Keys tracked now (windows + denial limiters). */
    public int trackedKeys() {
        return windows.size() + limiters.size();
    }

    private void flush(Instant now, boolean all) {
        for (AllowedKey key : windows.keySet()) {
            windows.computeIfPresent(key, (k, w) -> {
                if (!all && now.isBefore(w.end)) {
                    return w;
                }
                if (w.count == 0) {
                    return null;
                }
                AccessEvent summary = new AccessEvent(true, w.caller, k.resourceTenant(), k.application(),
                        w.decision.guest(), w.method, w.path, w.decision.reason(), k.session(), w.count, w.firstAt,
                        w.lastAt, 0);
                return sink.test(summary) ? null : w; // refused: offered again on the next flush
            });
        }
        flushDenials(limiters, now, all);
        flushDenials(pairLimiters, now, all);
    }

    /**
     * Hands over the suppressed count of every limiter whose second is over (or all, at shutdown), carried by its
     * last suppressed denial; a limiter with nothing pending is forgotten, one the sink refuses is kept for next time.
     */
    private <K> void flushDenials(Map<K, Limiter> map, Instant now, boolean all) {
        for (K key : map.keySet()) {
            map.computeIfPresent(key, (k, l) -> {
                if (!all && !l.periodOver(now)) {
                    return l;
                }
                if (l.suppressed == 0) {
                    return null;
                }
                return sink.test(withSuppressed(l.last, l.suppressed - 1)) ? null : l;
            });
        }
    }

    private void emitUntracked(AccessEvent event) {
        if (!sink.test(event)) {
            counters.dropped(event.requests());
        }
    }

    private record AllowedKey(String homeTenant, String subject, String resourceTenant, String application,
            String session) {
    }

    /** A home tenant and a resource tenant (or {@link #OTHER_TENANTS}): the budget all its callers share. */
    private record TenantPair(String homeTenant, String resourceTenant) {
    }

    /** {@code resourceTenant} is a federated tenant or {@link #OTHER_TENANTS}; never the application. */
    private record DeniedKey(String homeTenant, String subject, String resourceTenant) {
    }

    /** Allowed requests of one key after the one handed over at once; guarded by the map's per-key lock. */
    private static final class Window {
        final FederatedIdentity caller;
        final AccessDecision decision;
        final Instant end;
        int count;
        String method;
        String path;
        Instant firstAt;
        Instant lastAt;

        Window(FederatedIdentity caller, AccessDecision decision, Instant end) {
            this.caller = caller;
            this.decision = decision;
            this.end = end;
        }

        void add(String method, String path, Instant at) {
            if (count == 0) {
                this.method = method;
                this.path = path;
                this.firstAt = at;
            }
            count++;
            lastAt = at;
        }
    }

    /** Denials of one key (a caller, or a tenant pair) in the current second; guarded by the map's per-key lock. */
    private static final class Limiter {
        Instant periodStart;
        int emitted;
        int suppressed;
        AccessEvent last;

        Limiter(Instant periodStart) {
            this.periodStart = periodStart;
        }

        /** {@code limiter}, or a new one, with a fresh second (emitted = 0) if its second is over. */
        static Limiter current(Limiter limiter, Instant now) {
            if (limiter == null) {
                return new Limiter(now);
            }
            if (limiter.periodOver(now)) {
                limiter.periodStart = now;
                limiter.emitted = 0;
            }
            return limiter;
        }

        boolean periodOver(Instant now) {
            return !now.isBefore(periodStart.plus(DENIAL_PERIOD));
        }
    }
}
