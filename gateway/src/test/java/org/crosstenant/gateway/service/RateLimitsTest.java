package org.crosstenant.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.crosstenant.gateway.service.RateLimits.Limits;
import org.crosstenant.gateway.service.RateLimits.Surface;
import org.crosstenant.gateway.service.RateLimits.Verdict;
import org.junit.jupiter.api.Test;

/**
 * The bounded state of the rate limits: beyond the cap of tracked callers a tenant's new callers share one overflow
 * bucket (minting subjects buys nothing, and another tenant's callers keep their own buckets); client addresses are
 * keyed in one canonical form. Refill is 1 per second and each test spends its buckets in far less, so the counts
 * below are exact.
 */
class RateLimitsTest {

    private static final Limits SMALL = new Limits(1, 100, 1, 2);

    private static RateLimits limits(int maxCallersPerTenant, int maxAddresses) {
        return new RateLimits(Map.of(Surface.API, SMALL, Surface.APPS, SMALL), maxCallersPerTenant, 1, 2,
                maxAddresses);
    }

    @Test
    void callersBeyondTheCapShareOneOverflowBucketOfTheirTenantOnly() {
        RateLimits rates = limits(2, 10);
        // two tracked callers of contoso, two requests each
        for (String subject : new String[] {"a", "b"}) {
            assertTrue(rates.tryAcquire(Surface.API, "contoso", subject).allowed());
            assertTrue(rates.tryAcquire(Surface.API, "contoso", subject).allowed());
        }
        // contoso is at its cap: every further new subject shares ONE bucket of 2
        assertTrue(rates.tryAcquire(Surface.API, "contoso", "minted-1").allowed());
        assertTrue(rates.tryAcquire(Surface.API, "contoso", "minted-2").allowed());
        Verdict third = rates.tryAcquire(Surface.API, "contoso", "minted-3");
        assertFalse(third.allowed());
        assertEquals("caller-overflow", third.limit());
        assertTrue(third.retryAfterSeconds() >= 1);
        // fabrikam's callers are tracked apart: its cap is its own
        assertTrue(rates.tryAcquire(Surface.API, "fabrikam", "erin").allowed());
        assertTrue(rates.tryAcquire(Surface.API, "fabrikam", "frank").allowed());
        // a tracked contoso caller keeps its own (empty) bucket; the overflow does not replace it
        assertEquals("caller", rates.tryAcquire(Surface.API, "contoso", "a").limit());
        // and the other surface has buckets of its own
        assertTrue(rates.tryAcquire(Surface.APPS, "contoso", "a").allowed());
    }

    @Test
    void aCallerRefusedByItsTenantKeepsItsOwnToken() {
        RateLimits rates = new RateLimits(Map.of(Surface.API, new Limits(1, 1, 1, 2), Surface.APPS, SMALL), 10, 1, 1,
                10);
        assertTrue(rates.tryAcquire(Surface.API, "contoso", "a").allowed()); // the tenant's only token
        assertEquals("tenant", rates.tryAcquire(Surface.API, "contoso", "b").limit());
        // b's own token was given back: it is refused by the tenant again, not by its own limit
        assertEquals("tenant", rates.tryAcquire(Surface.API, "contoso", "b").limit());
        assertEquals("tenant", rates.tryAcquire(Surface.API, "contoso", "b").limit());
    }

    @Test
    void addressesBeyondTheCapShareTheBucketOfTheirNetworkThenOneOverflowBucket() {
        RateLimits rates = limits(10, 2);
        assertTrue(rates.tryAcquireUnverified("192.0.2.1").allowed());
        assertTrue(rates.tryAcquireUnverified("192.0.2.2").allowed());
        // the address cap is reached: 192.0.2.3 and .4 share the bucket of 192.0.2.0/24
        assertTrue(rates.tryAcquireUnverified("192.0.2.3").allowed());
        assertTrue(rates.tryAcquireUnverified("192.0.2.4").allowed());
        Verdict fifth = rates.tryAcquireUnverified("192.0.2.5");
        assertEquals("client-address-prefix", fifth.limit());
        // a tracked address still has its own bucket (one token left)
        assertTrue(rates.tryAcquireUnverified("192.0.2.1").allowed());
        assertEquals("client-address", rates.tryAcquireUnverified("192.0.2.1").limit());
        // another network has a bucket of its own; once as many networks as addresses are tracked, the rest share one
        assertTrue(rates.tryAcquireUnverified("198.51.100.1").allowed());
        assertTrue(rates.tryAcquireUnverified("203.0.113.1").allowed());
        assertTrue(rates.tryAcquireUnverified("203.0.113.1").allowed());
        assertEquals("client-address-overflow", rates.tryAcquireUnverified("203.0.113.1").limit());
    }

    /**
     * The kind of fault: a flood from every address of some networks (IPv6 /47: two /48s, 2^17 /64s; IPv4: a whole
     * /24) beyond the address cap must not take the budget of a first request from any other network.
     */
    @Test
    void aFloodFromManyAddressesOfSomeNetworksLeavesOtherNetworksTheirBudget() {
        RateLimits rates = limits(10, 50);
        for (int i = 0; i < 2_000; i++) {
            // spread over 2001:db8:a::/47 (its /48s 2001:db8:a:: and 2001:db8:b::), a new /64 each time
            rates.tryAcquireUnverified(String.format("2001:db8:%x:%x::1", 0xa + (i & 1), i));
            rates.tryAcquireUnverified("192.0.2." + (i % 256));
        }
        assertEquals("client-address-prefix", rates.tryAcquireUnverified("2001:db8:b:ffff::1").limit());
        assertEquals("client-address-prefix", rates.tryAcquireUnverified("192.0.2.77").limit());
        for (String other : new String[] {"2001:db8:c::1", "2001:db8:9:1::1", "2001:db9::1", "198.51.100.7",
                "192.0.3.1", "::ffff:203.0.113.5"}) {
            assertTrue(rates.tryAcquireUnverified(other).allowed(), other);
        }
    }

    @Test
    void networkPrefixesAreCanonical() {
        assertEquals("192.0.2.0/24", RateLimits.prefixKey("192.0.2.200"));
        assertEquals("192.0.2.0/24", RateLimits.prefixKey("::ffff:192.0.2.1"));
        String v6 = RateLimits.prefixKey("2001:db8:a:1234::1");
        assertEquals("2001:db8:a::/48", v6);
        assertEquals(v6, RateLimits.prefixKey("[2001:0DB8:000A:ffff:ffff:ffff:ffff:ffff]"));
        assertFalse(v6.equals(RateLimits.prefixKey("2001:db8:b::1")));
        assertEquals("example.invalid", RateLimits.prefixKey("example.invalid"));
    }

    @Test
    void everySpellingOfAnAddressIsOneKeyAndIpv6IsLimitedPerSlash64() {
        assertEquals("192.0.2.7", RateLimits.addressKey("192.0.2.7"));
        assertEquals("192.0.2.7", RateLimits.addressKey("::ffff:192.0.2.7"));
        assertEquals("192.0.2.7", RateLimits.addressKey("::FFFF:C000:0207"));
        String key = RateLimits.addressKey("2001:db8:1:2:3:4:5:6");
        assertEquals(key, RateLimits.addressKey("2001:0DB8:0001:0002:ffff:ffff:ffff:ffff"));
        assertEquals(key, RateLimits.addressKey("[2001:db8:1:2::1]"));
        assertEquals(key, RateLimits.addressKey("2001:db8:1:2::1%eth0"));
        assertFalse(key.equals(RateLimits.addressKey("2001:db8:1:3::1")));
        // not an IP literal: its own key, never resolved
        assertEquals("example.invalid", RateLimits.addressKey("example.invalid"));
    }

    @Test
    void anAddressSharesItsBucketWithEveryOtherSpellingOfIt() {
        RateLimits rates = limits(10, 10);
        assertTrue(rates.tryAcquireUnverified("2001:db8::1").allowed());
        assertTrue(rates.tryAcquireUnverified("2001:db8:0:0::2").allowed());
        assertEquals("client-address", rates.tryAcquireUnverified("2001:DB8::3").limit());
    }
}
