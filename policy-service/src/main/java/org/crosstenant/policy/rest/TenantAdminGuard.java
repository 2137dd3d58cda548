package org.crosstenant.policy.rest;

import io.quarkus.security.UnauthorizedException;
import jakarta.enterprise.context.ApplicationScoped;
import org.crosstenant.policy.config.PolicyConfig;
import org.crosstenant.policy.model.Identifiers;
import org.crosstenant.policy.model.Party;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Set;

/**
 * Tenant-scoped administration: only a caller whose federated token says {@code tenant == {tenant}} and who holds
 * the admin role may touch that tenant's settings (no realm-wide rights needed, nor granted).
 */
@ApplicationScoped
public class TenantAdminGuard {

    private final JsonWebToken jwt;
    private final PolicyConfig config;

    public TenantAdminGuard(JsonWebToken jwt, PolicyConfig config) {
        this.jwt = jwt;
        this.config = config;
    }

    /** @return the caller, once it is known to administer {@code tenant} */
    public Party requireAdminOf(String tenant) {
        if (jwt == null || jwt.getRawToken() == null) {
            throw new UnauthorizedException();
        }
        String callerTenant = jwt.getClaim("tenant");
        Set<String> groups = jwt.getGroups();
        if (callerTenant == null || !callerTenant.equals(tenant)) {
            throw ProblemException.forbidden("a caller of tenant " + callerTenant + " may not administer tenant "
                    + tenant);
        }
        if (groups == null || !groups.contains(config.adminRole())) {
            throw ProblemException.forbidden("administering tenant " + tenant + " needs the role "
                    + config.adminRole());
        }
        // (tenant, home subject) as every event names a party; the token's sub is the gateway's opaque one
        return new Party(callerTenant, jwt.getClaim("home_sub"), jwt.getClaim("email"));
    }

    /** Path segments are checked after authorisation, so strangers learn nothing from 400 vs 403. */
    public static void requireId(String value, String what) {
        if (!Identifiers.isId(value)) {
            throw ProblemException.badRequest(what + " \"" + value + "\" does not match " + Identifiers.ID.pattern());
        }
    }
}
