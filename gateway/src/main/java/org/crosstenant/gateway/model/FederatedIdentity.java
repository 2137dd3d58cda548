package org.crosstenant.gateway.model;

import java.time.Instant;
import java.util.List;

/**
 * The caller as the gateway vouches for it: one shape whatever the home tenant's identity provider.
 *
 * @param tenant home tenant id (= the Quarkus OIDC tenant id that verified the token)
 * @param issuer the verified home issuer
 * @param subject the {@code sub} claim at home
 * @param email may be null (service accounts)
 * @param roles realm roles at home, sorted so equal identities have equal cache keys
 * @param session opaque federated session id: the home token's {@code sid}, else a hash of its {@code jti} (or
 *        {@code iat}); null when unknown
 * @param expiresAt the home token's {@code exp}; nothing the gateway derives from the token may outlive it; null
 *        when unknown
 */
public record FederatedIdentity(String tenant, String issuer, String subject, String email, List<String> roles,
        String session, Instant expiresAt) {

    public FederatedIdentity {
        roles = roles == null ? List.of() : roles.stream().sorted().toList();
    }

    /** An identity without session or expiry (service-side tests, tools). */
    public FederatedIdentity(String tenant, String issuer, String subject, String email, List<String> roles) {
        this(tenant, issuer, subject, email, roles, null, null);
    }
}
