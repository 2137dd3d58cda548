package org.crosstenant.gateway.service;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.gateway.model.FederatedIdentity;
import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.SecurityIdentity;

/** Maps an identity verified by one tenant's OIDC configuration to the one federated identity shape. */
@ApplicationScoped
public class IdentityMapper {

    /** Attribute Quarkus OIDC sets on the identity: the id of the tenant configuration that verified the token. */
    static final String OIDC_TENANT_ATTRIBUTE = "tenant-id";

    public FederatedIdentity map(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return null;
        }
        String tenant = identity.getAttribute(OIDC_TENANT_ATTRIBUTE);
        if (tenant == null || "Default".equals(tenant)) {
            return null; // never vouch for a token no named tenant verified
        }
        // an unverified address is only a claim by the user; invitation redemption authorises on it
        Object email = verified(jwt.getClaim("email_verified")) ? jwt.getClaim("email") : null;
        return new FederatedIdentity(tenant, jwt.getIssuer(), jwt.getSubject(),
                email == null ? null : email.toString(), List.copyOf(identity.getRoles()));
    }

    private static boolean verified(Object claim) {
        if (claim instanceof jakarta.json.JsonValue value) {
            return value == jakarta.json.JsonValue.TRUE;
        }
        return Boolean.TRUE.equals(claim) || "true".equals(claim);
    }
}
