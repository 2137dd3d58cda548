package org.crosstenant.gateway.config;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/**
 * What the gateway vouches for in a federated identity (docs/config/gateway.md, "Federated identity token"). Same
 * prefix as {@link GatewayConfig}; env vars CROSSTENANT_GATEWAY_...
 */
@ConfigMapping(prefix = "crosstenant.gateway")
public interface IdentityConfig {

    /**
     * The email domains each tenant owns, as {@code tenant=domain} entries (a tenant may have several entries; one
     * domain belongs to one tenant at most), e.g. {@code contoso=contoso.example,fabrikam=fabrikam.example}. A
     * federated token carries a verified email only if its domain is one of its home tenant's: a tenant cannot vouch
     * for an address in another tenant's domain. Domains are exact (a subdomain is listed on its own), ASCII (IDNs in
     * their {@code xn--} form), compared in lower case. Absent or empty: no federated token carries an email.
     */
    Optional<List<String>> emailDomains();
}
