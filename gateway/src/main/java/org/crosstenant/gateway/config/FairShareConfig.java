package org.crosstenant.gateway.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Fair sharing of the gateway between tenants (docs/architecture.md "Fair sharing", docs/config/gateway.md): token-bucket
 * rate limits per home tenant and per caller on {@code /api} and {@code /apps}, a per-client-address limit on requests
 * whose token still has to be verified, per-tenant quotas of concurrent upstream requests and of open streams, and the
 * idle timeout and lifetime of a stream. Env vars: {@code CROSSTENANT_GATEWAY_FAIR_SHARE_...}.
 */
@ConfigMapping(prefix = "crosstenant.gateway.fair-share")
public interface FairShareConfig {

    /** Rate limits of {@code /api/**} (the platform services); values in application.properties. */
    RateLimit api();

    /** Rate limits of {@code /apps/**} (shared applications; a page loads many resources at once). */
    RateLimit apps();

    /** The limit on requests whose bearer token is not yet verified, per client address. */
    ClientAddress clientAddress();

    /**
     * Callers (home tenant + subject) whose buckets are tracked per home tenant and surface; a caller beyond it shares
     * one overflow bucket (same rate and burst as one caller) with every other untracked caller of its tenant, so
     * minting subjects gains a tenant nothing and costs other tenants nothing. Idle buckets are forgotten once full
     * again.
     */
    @WithDefault("10000")
    int maxTrackedCallersPerTenant();

    Upstream upstream();

    Streams streams();

    /**
     * Token-bucket limits of one surface (defaults per surface in application.properties): requests per second
     * (sustained refill) and burst (bucket capacity: what may come at once after a quiet period). All at least 1.
     */
    interface RateLimit {
        /** Requests per second of all callers of one home tenant together. */
        int tenantPerSecond();

        int tenantBurst();

        /** Requests per second of one caller (home tenant + subject). */
        int callerPerSecond();

        int callerBurst();
    }

    interface ClientAddress {
        /**
         * Requests per second from one client address (IPv4 address, or IPv6 /64 prefix) that carry no bearer token
         * or one the gateway has not verified already (its verified-token cache does not hold it): the ones that cost
         * a signature verification. Checked before authentication.
         */
        @WithDefault("50")
        int perSecond();

        @WithDefault("100")
        int burst();

        /**
         * Client addresses tracked; beyond it an untracked address shares the bucket of its network (IPv4 /24, IPv6
         * /48) of the same rate and burst, at most as many networks tracked, and beyond those one overflow bucket (a
         * flood from many addresses is held to one address's budget per network instead of growing memory).
         */
        @WithDefault("100000")
        int maxTracked();
    }

    interface Upstream {
        /**
         * Requests of one home tenant's callers in flight at once to one upstream (host:port, as the connection pool
         * counts them; open streams included). Keep it below {@code proxy.max-pool-size} so that no tenant can hold
         * every pooled connection: with the defaults (50 of 200) four tenants at their quota still leave none waiting.
         * Beyond it: 429 at once, nothing queued.
         */
        @WithDefault("50")
        int concurrentPerTenant();
    }

    interface Streams {
        /** Streaming responses ({@code Accept: text/event-stream}) open at once for all callers of one home tenant. */
        @WithDefault("20")
        int perTenant();

        /** Streaming responses open at once for one caller (home tenant + subject). */
        @WithDefault("5")
        int perCaller();

        /**
         * A stream from which no byte came for this long is closed (audit-service sends a keep-alive comment every
         * {@code audit.stream.keep-alive}, 15 s: keep this well above it). Also closes a stream whose caller stopped
         * reading (the gateway stops reading the upstream while the caller's buffer is full).
         */
        @WithDefault("45S")
        Duration idleTimeout();

        /**
         * Longest life of a stream; it also ends when the caller's home token expires, whichever comes first (the
         * client reconnects with a fresh token and {@code Last-Event-ID}).
         */
        @WithDefault("1H")
        Duration maxLifetime();
    }
}
