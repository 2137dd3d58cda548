package org.crosstenant.gateway.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;

/**
 * The tenant registry (docs/config/gateway.md, "Tenant registry"): {@code crosstenant.tenants.<tenant>.*}, the same
 * property names invitation-service reads. Env vars work for a tenant whose dotted name exists in some source.
 */
@ConfigMapping(prefix = "crosstenant.tenants")
public interface TenantsConfig {

    /** Tenant id → its registration. */
    @WithParentName
    Map<String, Tenant> tenants();

    interface Tenant {
        /**
         * The email domains the tenant owns (comma list; exact, ASCII, IDNs as {@code xn--}, compared in lower
         * case). A federated token carries an email only in one of them. Merged with the older
         * {@code crosstenant.gateway.email-domains} entries.
         */
        Optional<List<String>> domains();

        /**
         * The {@code acr} values of the tenant's identity provider that mean "multi-factor authenticated" (RFC 9470
         * step-up); the first is the one a 401 challenge asks for. Absent: only an {@code amr} of {@code mfa} or
         * {@code otp} satisfies MFA for the tenant's users.
         */
        Optional<List<String>> mfaAcrValues();
    }
}
