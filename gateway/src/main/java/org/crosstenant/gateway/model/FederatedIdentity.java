package org.crosstenant.gateway.model;

import java.util.List;

/**
 * The caller as the gateway vouches for it: one shape whatever the home tenant's identity provider.
 *
 * @param tenant home tenant id (= the Quarkus OIDC tenant id that verified the token)
 * @param issuer the verified home issuer
 * @param subject the {@code sub} claim at home
 * @param email may be null (service accounts)
 * @param roles realm roles at home, sorted so equal identities have equal cache keys
 */
public record FederatedIdentity(String tenant, String issuer, String subject, String email, List<String> roles) {

    public FederatedIdentity {
        roles = roles == null ? List.of() : roles.stream().sorted().toList();
    }
}
