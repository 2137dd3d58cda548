package org.crosstenant.gateway.service;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Per-tenant shares of the upstream connection pools: how many requests of one home tenant's callers may be in flight
 * at once to one upstream (host:port, as the pool counts connections), and how many streaming responses one tenant
 * and one caller may hold open. A request beyond a quota is refused at once; nothing waits behind another tenant.
 * <p>
 * Counters exist only while something is in flight (an entry at zero is removed), so memory follows the requests
 * actually held, which the quotas bound. Thread-safe: each check-and-increment runs under the map's per-key lock.
 */
public class UpstreamQuotas {

    private final int concurrentPerTenant;
    private final int streamsPerTenant;
    private final int streamsPerCaller;
    private final Map<TenantUpstream, Integer> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Integer> tenantStreams = new ConcurrentHashMap<>();
    private final Map<Caller, Integer> callerStreams = new ConcurrentHashMap<>();

    /**
     * @param concurrentPerTenant requests of one tenant in flight to one upstream, at most (at least 1)
     * @param streamsPerTenant streams of one tenant open at once, at most (at least 1)
     * @param streamsPerCaller streams of one caller open at once, at most (at least 1, at most streamsPerTenant)
     */
    public UpstreamQuotas(int concurrentPerTenant, int streamsPerTenant, int streamsPerCaller) {
        if (concurrentPerTenant < 1 || streamsPerTenant < 1 || streamsPerCaller < 1
                || streamsPerCaller > streamsPerTenant) {
            throw new IllegalArgumentException("quotas must be at least 1, streams per caller at most per tenant");
        }
        this.concurrentPerTenant = concurrentPerTenant;
        this.streamsPerTenant = streamsPerTenant;
        this.streamsPerCaller = streamsPerCaller;
    }

    /** A share taken; {@link #release()} gives it back (once, however often it is called). */
    public interface Permit {
        void release();
    }

    /**
     * The outcome of {@link #tryAcquire}: a permit, or the quota that refused.
     *
     * @param permit to release when the exchange ends; null when refused
     * @param refusedBy {@code concurrent-per-tenant}, {@code streams-per-tenant} or {@code streams-per-caller};
     *        null when granted
     */
    public record Grant(Permit permit, String refusedBy) {
        public boolean granted() {
            return permit != null;
        }
    }

    /**
     * Takes a share for one request.
     *
     * @param tenant the caller's verified home tenant
     * @param subject the caller's verified subject (exact string)
     * @param upstream the upstream's origin ({@code scheme://host:port})
     * @param stream whether the request asks for a streaming response (counts against the stream quotas too)
     * @return a permit, or the quota that refused (nothing taken then)
     */
    public Grant tryAcquire(String tenant, String subject, String upstream, boolean stream) {
        TenantUpstream key = new TenantUpstream(tenant, upstream);
        if (!increment(inFlight, key, concurrentPerTenant)) {
            return new Grant(null, "concurrent-per-tenant");
        }
        if (!stream) {
            return new Grant(once(() -> decrement(inFlight, key)), null);
        }
        Caller caller = new Caller(tenant, subject);
        if (!increment(callerStreams, caller, streamsPerCaller)) {
            decrement(inFlight, key);
            return new Grant(null, "streams-per-caller");
        }
        if (!increment(tenantStreams, tenant, streamsPerTenant)) {
            decrement(callerStreams, caller);
            decrement(inFlight, key);
            return new Grant(null, "streams-per-tenant");
        }
        return new Grant(once(() -> {
            decrement(tenantStreams, tenant);
            decrement(callerStreams, caller);
            decrement(inFlight, key);
        }), null);
    }

    /** Requests of {@code tenant} in flight now, to any upstream (tests, diagnostics). */
    public int inFlight(String tenant) {
        return inFlight.entrySet().stream().filter(e -> e.getKey().tenant().equals(tenant))
                .mapToInt(Map.Entry::getValue).sum();
    }

    /** Streams of {@code tenant} open now (tests, diagnostics). */
    public int openStreams(String tenant) {
        return tenantStreams.getOrDefault(tenant, 0);
    }

    private static <K> boolean increment(Map<K, Integer> counts, K key, int max) {
        boolean[] taken = new boolean[1];
        counts.compute(key, (k, n) -> {
            int current = n == null ? 0 : n;
            if (current >= max) {
                return n;
            }
            taken[0] = true;
            return current + 1;
        });
        return taken[0];
    }

    private static <K> void decrement(Map<K, Integer> counts, K key) {
        counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }

    private static Permit once(Runnable release) {
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                release.run();
            }
        };
    }

    private record TenantUpstream(String tenant, String upstream) {
    }

    private record Caller(String tenant, String subject) {
    }
}
