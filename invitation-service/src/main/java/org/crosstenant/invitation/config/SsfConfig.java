package org.crosstenant.invitation.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * OpenID Shared Signals Framework 1.0 transmitter settings (prefix {@code crosstenant.ssf}; issue #8 bullet 7,
 * docs/config/invitation-service.md "Shared signals").
 */
@ConfigMapping(prefix = "crosstenant.ssf")
public interface SsfConfig {

    /**
     * The transmitter's issuer: the suite's public base URL (the gateway's), without a trailing slash. It is the
     * {@code iss} of every SET and of the transmitter metadata, and the base of {@code jwks_uri}.
     */
    @WithDefault("http://127.0.0.1:8080")
    String issuer();

    /**
     * PEM file (PKCS#8 RSA private key) that signs the SETs (RS256). Absent: a key is generated at start (logged as
     * ephemeral; receivers must then re-read the JWKS after every restart).
     */
    Optional<String> signingKeyLocation();

    /** Refuse to start without {@link #signingKeyLocation()} (production should set it; off by default). */
    @WithDefault("false")
    boolean signingKeyRequired();

    /**
     * Accept receivers at plain {@code http} URLs and at loopback, private or link-local addresses (tests, the local
     * stack). Off by default: such receivers are an SSRF risk.
     */
    @WithDefault("false")
    boolean allowInsecureReceivers();

    /** Most streams one tenant may register. */
    @WithDefault("10")
    int maxStreamsPerTenant();

    Delivery delivery();

    /** The push worker (RFC 8935). */
    interface Delivery {
        /** Period of the worker's timer; revocations also trigger it right after their commit. */
        @WithDefault("1s")
        String pollInterval();

        /** Most rows one round claims, over all streams. */
        @WithDefault("100")
        int batchSize();

        /** Most rows of one stream in flight at once (and claimed per round). */
        @WithDefault("5")
        int perStream();

        /** TCP connect timeout of a push. */
        @WithDefault("5s")
        Duration connectTimeout();

        /** Longest wait for the receiver's answer, after the request is sent. */
        @WithDefault("10s")
        Duration readTimeout();

        /** Back-off after the first transient failure; it doubles with each further one. */
        @WithDefault("2s")
        Duration initialBackoff();

        /** Longest back-off between two pushes of one row. */
        @WithDefault("5m")
        Duration maxBackoff();

        /** A row still not delivered this long after the revocation is parked on its next transient failure. */
        @WithDefault("24h")
        Duration maxAge();
    }
}
