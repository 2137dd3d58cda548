package org.crosstenant.invitation.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;

/**
 * The tenant registry (prefix {@code crosstenant.tenants}): each tenant's verified email domains,
 * {@code crosstenant.tenants.<tenant>.domains=contoso.example,contoso-mail.example}. The same property names are read
 * by the gateway. Read through {@link org.crosstenant.invitation.service.TenantRegistry}, which checks and
 * canonicalises the domains at start-up.
 */
@ConfigMapping(prefix = "crosstenant.tenants")
public interface TenantRegistryConfig {

    /** Tenant id → its registration. A tenant absent here has no domain: nobody of it can be invited. */
    @WithParentName
    Map<String, Tenant> tenants();

    interface Tenant {
        /** The tenant's verified email domains (comma list), in ASCII (an IDN in its xn-- form); exact match only. */
        Optional<List<String>> domains();

        /** Read by the gateway (MFA step-up); listed so that one shared tenant registry also loads here. */
        Optional<List<String>> mfaAcrValues();
    }
}
