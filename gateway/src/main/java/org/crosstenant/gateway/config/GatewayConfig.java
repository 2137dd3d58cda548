package org.crosstenant.gateway.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Business settings of the gateway; every one is overridable by env var (CROSSTENANT_GATEWAY_...). */
@ConfigMapping(prefix = "crosstenant.gateway")
public interface GatewayConfig {

    /**
     * Tenant ids federated by the gateway; each one is also a Quarkus OIDC tenant ({@code quarkus.oidc.<id>.*}).
     * Listing a tenant here is enough for {@link TenantDefaultsConfigSourceFactory} to give it a complete OIDC block.
     */
    @WithDefault("contoso,fabrikam")
    List<String> tenants();

    /** Base URL of the identity provider; a tenant's default issuer is {@code <base>/realms/<tenant>}. */
    @WithDefault("http://127.0.0.1:8180")
    String oidcBaseUrl();

    /** Audience a tenant token must carry to be accepted by the gateway. */
    @WithDefault("crosstenant-gateway")
    String oidcAudience();

    SigningKey signingKey();

    FederatedToken federatedToken();

    Services services();

    Proxy proxy();

    interface SigningKey {
        /** PKCS#8 PEM private key (file path or {@code classpath:}); absent = ephemeral key, dev only. */
        Optional<String> privateLocation();

        /** X.509 SubjectPublicKeyInfo PEM matching the private key; derived from it when absent. */
        Optional<String> publicLocation();

        /**
         * More X.509 PEM public keys (locations as above) the gateway publishes in its JWKS after the one it signs
         * with, without signing with them: the next key before a rotation, the previous one after it
         * (docs/operations.md). Absent: the JWKS holds the signing key only.
         */
        Optional<List<String>> additionalPublicLocations();
    }

    interface FederatedToken {
        @WithDefault("crosstenant-gateway")
        String issuer();

        /** Audience of tokens sent to the platform's own services. */
        @WithDefault("crosstenant-services")
        String servicesAudience();

        @WithDefault("60S")
        Duration lifetime();

        /** How long a minted token is reused for the same identity + audience (signing is the hot path). */
        @WithDefault("10S")
        Duration cacheTtl();

        @WithDefault("10000")
        int cacheMaxEntries();
    }

    interface Services {
        @WithDefault("http://127.0.0.1:8081")
        String invitationUrl();

        @WithDefault("http://127.0.0.1:8082")
        String policyUrl();

        @WithDefault("http://127.0.0.1:8083")
        String auditUrl();
    }

    interface Proxy {
        @WithDefault("2S")
        Duration connectTimeout();

        /** No bytes from the upstream for this long ends the call; SSE streams (text/event-stream) are exempt. */
        @WithDefault("60S")
        Duration idleTimeout();

        @WithDefault("200")
        int maxPoolSize();

        /**
         * Requests that may wait for a pooled connection to one upstream host when all {@link #maxPoolSize()} are
         * busy; one more is refused at once with 503 (so a slow upstream cannot pile up unbounded memory and latency
         * in the gateway). A request also waits at most {@link #connectTimeout()} for its connection.
         */
        @WithDefault("1000")
        int maxWaitQueueSize();
    }
}
