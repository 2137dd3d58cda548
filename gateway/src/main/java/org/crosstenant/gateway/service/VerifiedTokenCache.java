package org.crosstenant.gateway.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.crosstenant.gateway.config.TokenCacheConfig;
import org.crosstenant.gateway.model.FederatedIdentity;
import org.eclipse.microprofile.jwt.JsonWebToken;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * Home tokens Quarkus OIDC has verified, keyed by the full raw token (never a prefix or a claim subset: two tokens
 * share an entry only if they are the same string, hence the same signature). An entry expires at the token's
 * {@code exp} or after {@code max-ttl}, whichever comes first, and the cache holds at most {@code max-entries}
 * (Caffeine, size-bounded). Only successful verifications are stored; a refused token is verified (and refused)
 * every time. Metrics: {@code crosstenant_gateway_token_cache_requests_total{cache="home",result="hit|miss"}}.
 */
@ApplicationScoped
public class VerifiedTokenCache {

    private final boolean enabled;
    private final Duration maxTtl;
    private final Clock clock;
    private final Cache<String, Entry> cache;
    private final Counter hits;
    private final Counter misses;

    /** A verified identity and when it stops being usable. */
    private record Entry(SecurityIdentity identity, Instant expiresAt) {
    }

    @Inject
    public VerifiedTokenCache(TokenCacheConfig config, MeterRegistry registry) {
        this(config.enabled(), config.maxTtl(), config.maxEntries(), registry, Clock.systemUTC());
    }

    VerifiedTokenCache(boolean enabled, Duration maxTtl, int maxEntries, MeterRegistry registry, Clock clock) {
        this.enabled = enabled;
        this.maxTtl = maxTtl;
        this.clock = clock;
        this.cache = Caffeine.newBuilder().maximumSize(maxEntries).expireAfter(new Expiry<String, Entry>() {
            @Override
            public long expireAfterCreate(String key, Entry value, long currentTime) {
                return Math.max(0, TimeUnit.MILLISECONDS.toNanos(value.expiresAt().toEpochMilli()
                        - clock.millis()));
            }

            @Override
            public long expireAfterUpdate(String key, Entry value, long currentTime, long currentDuration) {
                return expireAfterCreate(key, value, currentTime);
            }

            @Override
            public long expireAfterRead(String key, Entry value, long currentTime, long currentDuration) {
                return currentDuration;
            }
        }).build();
        this.hits = TokenCacheMetrics.counter(registry, "home", "hit");
        this.misses = TokenCacheMetrics.counter(registry, "home", "miss");
    }

    /**
     * @param rawToken the bearer token exactly as received
     * @return the identity verified for exactly this token, if it is cached and not expired; else null
     */
    public SecurityIdentity get(String rawToken) {
        if (!enabled || rawToken == null) {
            return null;
        }
        Entry entry = cache.getIfPresent(rawToken);
        if (entry == null || !clock.instant().isBefore(entry.expiresAt())) {
            misses.increment();
            return null;
        }
        hits.increment();
        return entry.identity();
    }

    /**
     * The federated form of the identity verified for exactly this token (stored with it by {@link IdentityMapper}),
     * for the {@code /apps} hot path. Counts a hit when found; a miss is not counted here, because the request then
     * goes through Quarkus' chain, whose {@link #get} counts it.
     *
     * @param rawToken the bearer token exactly as received (null: null)
     * @return the caller, if this token is cached and not expired; else null
     */
    public FederatedIdentity federated(String rawToken) {
        if (!enabled || rawToken == null) {
            return null;
        }
        Entry entry = cache.getIfPresent(rawToken);
        if (entry == null || !clock.instant().isBefore(entry.expiresAt())
                || !(entry.identity().getAttribute(IdentityMapper.FEDERATED_IDENTITY) instanceof FederatedIdentity f)) {
            return null;
        }
        hits.increment();
        return f;
    }

    /**
     * Whether exactly this token was verified before and has not expired, without counting a lookup: the rate
     * limiter in front of authentication asks it to tell the requests that will cost a signature check.
     *
     * @param rawToken the bearer token exactly as received (null: false)
     * @return true when {@link #get} would answer it from the cache
     */
    public boolean holds(String rawToken) {
        if (!enabled || rawToken == null) {
            return false;
        }
        Entry entry = cache.getIfPresent(rawToken);
        return entry != null && clock.instant().isBefore(entry.expiresAt());
    }

    /**
     * Remembers a successfully verified token until its {@code exp} or {@code max-ttl}.
     *
     * @param rawToken the bearer token exactly as verified
     * @param identity the identity OIDC built for it (principal: the verified {@link JsonWebToken})
     */
    public void put(String rawToken, SecurityIdentity identity) {
        if (!enabled || rawToken == null || !(identity.getPrincipal() instanceof JsonWebToken jwt)
                || jwt.getExpirationTime() <= 0) {
            return;
        }
        Instant exp = Instant.ofEpochSecond(jwt.getExpirationTime());
        Instant cap = clock.instant().plus(maxTtl);
        Instant until = exp.isBefore(cap) ? exp : cap;
        if (clock.instant().isBefore(until)) {
            cache.put(rawToken, new Entry(identity, until));
        }
    }

    /** Entries held now (approximate; tests and diagnostics). */
    public long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }
}
