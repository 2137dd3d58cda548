package org.crosstenant.gateway.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The token caches' one counter name: {@code crosstenant_gateway_token_cache_requests_total{cache, result}}. */
final class TokenCacheMetrics {

    static final String NAME = "crosstenant.gateway.token.cache.requests";

    private TokenCacheMetrics() {
    }

    /**
     * @param cache {@code home} (verified tenant tokens) or {@code federated} (tokens the gateway signed)
     * @param result {@code hit} or {@code miss}
     */
    static Counter counter(MeterRegistry registry, String cache, String result) {
        return Counter.builder(NAME).description("token cache lookups").tag("cache", cache).tag("result", result)
                .register(registry);
    }
}
