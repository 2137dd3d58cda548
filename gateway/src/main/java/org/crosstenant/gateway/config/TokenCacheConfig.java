package org.crosstenant.gateway.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The cache of verified home (tenant) tokens: a token whose signature, issuer, audience and expiry Quarkus OIDC
 * verified once is recognised again by its full raw value until its {@code exp} (or {@code max-ttl}, whichever comes
 * first). Env vars {@code CROSSTENANT_GATEWAY_HOME_TOKEN_CACHE_...}; see docs/config/gateway.md.
 */
@ConfigMapping(prefix = "crosstenant.gateway.home-token-cache")
public interface TokenCacheConfig {

    /** Whether verified home tokens are cached at all. */
    @WithDefault("true")
    boolean enabled();

    /** Longest time a verified token is reused without verifying it again (a key rotation is seen after it). */
    @WithDefault("60S")
    Duration maxTtl();

    /** Bound of the cache (entries, one per distinct token). */
    @WithDefault("10000")
    int maxEntries();
}
