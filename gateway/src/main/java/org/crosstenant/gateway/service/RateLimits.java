package org.crosstenant.gateway.service;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.netty.util.NetUtil;

/**
 * Token-bucket rate limits (Bucket4j, greedy refill) of the gateway: per home tenant and per caller on each surface
 * ({@code /api}, {@code /apps}), and per client address for requests whose token still has to be verified.
 * <p>
 * Memory is bounded: tenant buckets are one per federated tenant and surface; caller buckets at most
 * {@code maxTrackedCallersPerTenant} per tenant and surface, address buckets at most {@code maxTrackedAddresses}.
 * A caller beyond its cap is not tracked: it shares one overflow bucket of its tenant with the same rate and burst as
 * one caller, so minting subjects never buys capacity, and one tenant's subjects never displace another tenant's.
 * An address beyond the cap shares the bucket of its network prefix (IPv4 /24, IPv6 /48; at most
 * {@code maxTrackedAddresses} prefixes), so a flood from many addresses of one network is held to one address's budget
 * without touching clients of other networks; only beyond both caps does an address share the one last overflow
 * bucket. Buckets idle until full again are forgotten (nothing changes for them).
 * Thread-safe.
 */
public class RateLimits {

    /** The two proxied surfaces, limited separately. */
    public enum Surface {
        API("api"), APPS("apps");

        /** The surface's name in settings, problem details and metric labels. */
        public final String label;

        Surface(String label) {
            this.label = label;
        }
    }

    /**
     * One surface's limits.
     *
     * @param tenantPerSecond sustained requests per second of one home tenant's callers together (at least 1)
     * @param tenantBurst capacity of the tenant's bucket (at least 1)
     * @param callerPerSecond sustained requests per second of one caller (at least 1)
     * @param callerBurst capacity of one caller's bucket (at least 1)
     */
    public record Limits(int tenantPerSecond, int tenantBurst, int callerPerSecond, int callerBurst) {
        public Limits {
            if (tenantPerSecond < 1 || tenantBurst < 1 || callerPerSecond < 1 || callerBurst < 1) {
                throw new IllegalArgumentException("rate limits must be at least 1: " + this);
            }
        }
    }

    /**
     * The outcome of one check.
     *
     * @param allowed whether the request may go on
     * @param limit the limit that refused it ({@code tenant}, {@code caller}, {@code caller-overflow},
     *        {@code client-address}, {@code client-address-prefix}, {@code client-address-overflow}); null when
     *        allowed
     * @param retryAfterSeconds whole seconds until one request fits again (at least 1; RFC 9110 Retry-After); 0 when
     *        allowed
     */
    public record Verdict(boolean allowed, String limit, long retryAfterSeconds) {
        static final Verdict ALLOWED = new Verdict(true, null, 0);

        static Verdict refused(String limit, ConsumptionProbe probe) {
            long seconds = (probe.getNanosToWaitForRefill() + TimeUnit.SECONDS.toNanos(1) - 1)
                    / TimeUnit.SECONDS.toNanos(1);
            return new Verdict(false, limit, Math.max(1, seconds));
        }
    }

    private final Map<Surface, Limits> limits;
    private final int maxTrackedCallersPerTenant;
    private final Map<Surface, Map<String, Bucket>> tenantBuckets = new ConcurrentHashMap<>();
    private final Map<Surface, Map<String, Cache<String, Bucket>>> callerBuckets = new ConcurrentHashMap<>();
    private final Map<Surface, Map<String, Bucket>> callerOverflow = new ConcurrentHashMap<>();
    private final int addressPerSecond;
    private final int addressBurst;
    private final int maxTrackedAddresses;
    private final Cache<String, Bucket> addressBuckets;
    private final Cache<String, Bucket> prefixBuckets;
    private final Bucket addressOverflow;

    /**
     * @param limits the limits of both surfaces
     * @param maxTrackedCallersPerTenant caller buckets per tenant and surface, at most (at least 1)
     * @param addressPerSecond sustained requests per second of one client address whose token is not verified yet
     * @param addressBurst capacity of one address's bucket
     * @param maxTrackedAddresses address buckets, at most, and network-prefix buckets, at most (at least 1)
     */
    public RateLimits(Map<Surface, Limits> limits, int maxTrackedCallersPerTenant, int addressPerSecond,
            int addressBurst, int maxTrackedAddresses) {
        if (!limits.keySet().containsAll(Arrays.asList(Surface.values())) || maxTrackedCallersPerTenant < 1
                || addressPerSecond < 1 || addressBurst < 1 || maxTrackedAddresses < 1) {
            throw new IllegalArgumentException("limits for every surface, and every bound at least 1");
        }
        this.limits = Map.copyOf(limits);
        this.maxTrackedCallersPerTenant = maxTrackedCallersPerTenant;
        this.addressPerSecond = addressPerSecond;
        this.addressBurst = addressBurst;
        this.maxTrackedAddresses = maxTrackedAddresses;
        this.addressBuckets = boundedBuckets(maxTrackedAddresses, addressBurst, addressPerSecond);
        this.prefixBuckets = boundedBuckets(maxTrackedAddresses, addressBurst, addressPerSecond);
        this.addressOverflow = bucket(addressBurst, addressPerSecond);
    }

    /**
     * Takes one request of {@code subject} of home tenant {@code tenant} on {@code surface}: first from the caller's
     * bucket (a caller over its own limit spends nothing of its tenant's), then from the tenant's (if that refuses,
     * the caller's token is given back).
     *
     * @param surface {@code /api} or {@code /apps}
     * @param tenant the caller's verified home tenant (one of the federated tenants)
     * @param subject the caller's verified subject at home, compared exactly
     * @return allowed, or the limit that refused and when to retry
     */
    public Verdict tryAcquire(Surface surface, String tenant, String subject) {
        Limits l = limits.get(surface);
        Cache<String, Bucket> callers = callerBuckets.computeIfAbsent(surface, s -> new ConcurrentHashMap<>())
                .computeIfAbsent(tenant, t -> boundedBuckets(maxTrackedCallersPerTenant, l.callerBurst(),
                        l.callerPerSecond()));
        Held caller = held(callers, subject, maxTrackedCallersPerTenant,
                () -> callerOverflow.computeIfAbsent(surface, s -> new ConcurrentHashMap<>())
                        .computeIfAbsent(tenant, t -> bucket(l.callerBurst(), l.callerPerSecond())),
                () -> bucket(l.callerBurst(), l.callerPerSecond()));
        String callerLimit = caller.overflow() ? "caller-overflow" : "caller";
        ConsumptionProbe own = caller.bucket().tryConsumeAndReturnRemaining(1);
        if (!own.isConsumed()) {
            return Verdict.refused(callerLimit, own);
        }
        Bucket tenantBucket = tenantBuckets.computeIfAbsent(surface, s -> new ConcurrentHashMap<>())
                .computeIfAbsent(tenant, t -> bucket(l.tenantBurst(), l.tenantPerSecond()));
        ConsumptionProbe shared = tenantBucket.tryConsumeAndReturnRemaining(1);
        if (!shared.isConsumed()) {
            caller.bucket().addTokens(1);
            return Verdict.refused("tenant", shared);
        }
        return Verdict.ALLOWED;
    }

    /**
     * Takes one request from the bucket of a client address (call it only for requests whose token is not verified
     * yet: the ones that cost a signature check).
     *
     * @param address the peer's IP address as text (IPv4, or IPv6 in any textual form); IPv6 addresses are limited
     *        per /64 prefix (one host usually holds a whole /64), IPv4-mapped IPv6 as the IPv4 address. When
     *        {@code maxTrackedAddresses} addresses are tracked, a new one is limited under its network prefix (IPv4
     *        /24, IPv6 /48); when as many prefixes are tracked too, under the one overflow bucket
     * @return allowed, or {@code client-address} / {@code client-address-prefix} / {@code client-address-overflow}
     *         and when to retry
     */
    public Verdict tryAcquireUnverified(String address) {
        byte[] bytes = addressBytes(address);
        String limit = "client-address";
        Bucket bucket = tracked(addressBuckets, addressKey(address, bytes, 32, 64));
        if (bucket == null) {
            limit = "client-address-prefix";
            bucket = tracked(prefixBuckets, addressKey(address, bytes, 24, 48));
        }
        if (bucket == null) {
            limit = "client-address-overflow";
            bucket = addressOverflow;
        }
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? Verdict.ALLOWED : Verdict.refused(limit, probe);
    }

    /** The key's bucket in {@code cache} (created while under the cap), or null when untracked and at the cap. */
    private Bucket tracked(Cache<String, Bucket> cache, String key) {
        Held held = held(cache, key, maxTrackedAddresses, () -> null, () -> bucket(addressBurst, addressPerSecond));
        return held.bucket();
    }

    /** A key's bucket, or the overflow bucket when the key is not tracked and the cache is at its cap. */
    private record Held(Bucket bucket, boolean overflow) {
    }

    private static Held held(Cache<String, Bucket> tracked, String key, int max, Supplier<Bucket> overflow,
            Supplier<Bucket> fresh) {
        Bucket bucket = tracked.getIfPresent(key);
        if (bucket != null) {
            return new Held(bucket, false);
        }
        if (tracked.estimatedSize() >= max) {
            return new Held(overflow.get(), true);
        }
        return new Held(tracked.get(key, k -> fresh.get()), false);
    }

    /**
     * The key an address is limited under: the IPv4 address, or the first 64 bits of an IPv6 address, in one
     * canonical text form whatever the input's spelling (zero compression, case, IPv4-mapped form). Text that is not
     * an IP literal is its own key (never resolved: no DNS lookup).
     */
    static String addressKey(String address) {
        return addressKey(address, addressBytes(address), 32, 64);
    }

    /**
     * The network prefix an untracked address is limited under once the address cap is reached: the first 24 bits
     * of an IPv4 address, the first 48 of an IPv6 address, canonical as {@link #addressKey(String)}.
     */
    static String prefixKey(String address) {
        return addressKey(address, addressBytes(address), 24, 48);
    }

    /**
     * The canonical key of the first {@code v4Bits} / {@code v6Bits} of an address ("a.b.c.0/24", "2001:db8::/64");
     * a full-length IPv4 key has no suffix. Not an IP literal ({@code bytes} null): the text itself.
     */
    private static String addressKey(String address, byte[] bytes, int v4Bits, int v6Bits) {
        if (bytes == null) {
            return address == null ? "" : address;
        }
        int bits = bytes.length == 4 ? v4Bits : v6Bits;
        byte[] masked = bytes.clone();
        for (int i = 0; i < masked.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - 8 * i));
            masked[i] &= (byte) (0xff << (8 - keep));
        }
        String text = NetUtil.bytesToIpAddress(masked);
        return bits == 8 * masked.length ? text : text + "/" + bits;
    }

    /**
     * The address's bytes (4 for IPv4 and IPv4-mapped IPv6, 16 for IPv6), from its text with brackets and zone
     * removed; null when the text is not an IP literal (parsed only, never resolved).
     */
    private static byte[] addressBytes(String address) {
        if (address == null || address.isEmpty()) {
            return null;
        }
        String literal = address.startsWith("[") && address.endsWith("]")
                ? address.substring(1, address.length() - 1) : address;
        int zone = literal.indexOf('%');
        if (zone >= 0) {
            literal = literal.substring(0, zone);
        }
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(literal);
        if (bytes != null && bytes.length == 16 && isIpv4Mapped(bytes)) {
            bytes = Arrays.copyOfRange(bytes, 12, 16);
        }
        return bytes;
    }

    private static boolean isIpv4Mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }

    private static Bucket bucket(int burst, int perSecond) {
        return Bucket.builder().addLimit(Bandwidth.builder().capacity(burst)
                .refillGreedy(perSecond, Duration.ofSeconds(1)).build()).build();
    }

    /**
     * A size-bounded cache of buckets whose entries go once idle long enough to be full again (forgetting them then
     * changes nothing). The size bound is a backstop: callers check {@link Cache#estimatedSize()} first and use an
     * overflow bucket instead of evicting a tracked key.
     */
    private static Cache<String, Bucket> boundedBuckets(int max, int burst, int perSecond) {
        long refillMillis = Math.max(1000, 1000L * burst / perSecond + 1000);
        return Caffeine.newBuilder().maximumSize(max + Math.max(16, max / 10))
                .expireAfterAccess(Duration.ofMillis(refillMillis)).build();
    }
}
