package org.crosstenant.gateway.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Settings of the gateway's public edge and of its Kafka-fed view's health (docs/config/gateway.md). Kept apart from
 * {@link GatewayConfig} so each concern's settings are found together; same prefix, env vars CROSSTENANT_GATEWAY_...
 */
@ConfigMapping(prefix = "crosstenant.gateway")
public interface EdgeConfig {

    /**
     * The gateway's public base URL (scheme, host, optional port and path, no trailing slash needed), e.g.
     * {@code https://collab.contoso.example}. Every Location/Content-Location the services or applications return
     * that points at their own address is rewritten onto it, and it is what services receive as
     * X-Forwarded-Proto/Host. Absent: derived per request from the scheme and Host the gateway received.
     */
    Optional<String> publicUrl();

    /**
     * Minimum time between two JWKS re-fetches of one tenant caused by a token whose {@code kid} is unknown
     * (Quarkus' {@code quarkus.oidc.<tenant>.token.forced-jwk-refresh-interval} of every tenant defaults to it).
     * Bounds how long a rotated key waits and how often an attacker can make the gateway fetch keys.
     */
    @WithDefault("1S")
    Duration oidcJwkRefreshInterval();

    View view();

    interface View {
        /**
         * How often the view consumers' channel state is checked (SmallRye's liveness report of the two Kafka
         * channels). A stopped channel turns readiness DOWN and /apps into 503 at most this long after it stopped.
         */
        @WithDefault("1S")
        Duration channelCheckInterval();
    }
}
