package org.crosstenant.audit.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits of {@code GET /api/v1/audit/verify} (docs/audit.md "Verifying the whole log", docs/config/audit-service.md). */
@ConfigMapping(prefix = "crosstenant.audit.verify")
public interface VerifyConfig {

    /**
     * Least time between two verifications a tenant may start; a call within it (and not joining one that runs) is
     * 429 problem+json with {@code Retry-After}. {@code 0s} turns the limit off.
     */
    @WithDefault("30s")
    Duration minInterval();

    /** Records read per database round trip while verifying. */
    @WithDefault("1000")
    int pageSize();
}
