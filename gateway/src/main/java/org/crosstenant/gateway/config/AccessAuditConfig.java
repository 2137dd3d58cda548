package org.crosstenant.gateway.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How the gateway audits /apps access (sign-in-log style, not one event per HTTP request) and how it keeps the
 * resulting {@code gateway.access} events until the broker acknowledged them. Env vars:
 * {@code CROSSTENANT_GATEWAY_ACCESS_AUDIT_...}; see docs/config/gateway.md.
 */
@ConfigMapping(prefix = "crosstenant.gateway.access-audit")
public interface AccessAuditConfig {

    /**
     * Aggregation window of allowed access per (caller tenant + subject, resource tenant, application, federated
     * session): the first request is published at once, the others of the window as one summary at its end.
     */
    @WithDefault("60S")
    Duration window();

    /**
     * At most this many {@code access-denied} events per second per caller and resource tenant (any application);
     * the rest are counted.
     */
    @WithDefault("5")
    int deniedPerSecond();

    /**
     * At most this many {@code access-denied} events per second of all callers of one home tenant against one
     * resource tenant (a tenant's identity provider can mint any number of subjects); the rest are counted. At least
     * {@link #deniedPerSecond()}.
     */
    @WithDefault("50")
    int deniedPerSecondPerTenant();

    /**
     * Bound of the aggregation state (allowed windows + per-caller denial limiters); beyond it a new allowed key is
     * published at once, and a new caller's denials are held to {@link #deniedPerSecondPerTenant()} alone.
     */
    @WithDefault("10000")
    int maxTrackedKeys();

    /** How often ended windows and pending suppressed counts are flushed. */
    @WithDefault("1S")
    Duration flushInterval();

    /** Events handed to Kafka and not yet acknowledged, at most; beyond it the aggregation holds them back. */
    @WithDefault("10000")
    int bufferSize();

    /** Delay before an event the producer gave up on is sent again (the same CloudEvents id). */
    @WithDefault("1S")
    Duration retryBackoff();

    /** At shutdown, how long to wait for buffered events to be acknowledged. */
    @WithDefault("10S")
    Duration drainTimeout();
}
