package org.crosstenant.gateway.rest;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.gateway.config.GatewayConfig;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import io.quarkus.oidc.TenantResolver;
import io.quarkus.runtime.Startup;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Picks the OIDC tenant by the token's {@code iss} among the configured tenants' issuers, before any other
 * resolution. A token from any other issuer goes to a tenant id that does not exist, i.e. the disabled default
 * tenant, so it authenticates nobody (401) and never falls through to path-based resolution.
 * <p>
 * Why not only {@code quarkus.oidc.resolve-tenants-with-issuer}: Quarkus retries a tenant that was unreachable at
 * startup only once, on the first request; if Keycloak is still starting then, that tenant never resolves by
 * issuer again. Resolving here makes Quarkus initialise a not-ready tenant on each request until it succeeds.
 * The issuer is only a routing hint: the chosen tenant still verifies signature, issuer, audience and expiry.
 */
@Startup // a misconfigured tenant list (two tenants, one issuer) fails the start, not the first request
@ApplicationScoped
public class IssuerTenantResolver implements TenantResolver {

    /** No such OIDC tenant: Quarkus falls back to the default tenant, which is disabled. */
    static final String UNKNOWN_ISSUER = "unknown-issuer";
    private static final Logger LOG = Logger.getLogger(IssuerTenantResolver.class);

    private final Map<String, String> tenantByIssuer = new HashMap<>();

    public IssuerTenantResolver(GatewayConfig gateway, Config config) {
        for (String tenant : gateway.tenants()) {
            String issuer = config.getOptionalValue("quarkus.oidc." + tenant + ".token.issuer", String.class)
                    .or(() -> config.getOptionalValue("quarkus.oidc." + tenant + ".auth-server-url", String.class))
                    .map(IssuerTenantResolver::stripSlash)
                    .orElse(null);
            if (issuer == null) {
                LOG.warnf("tenant '%s' has neither an auth-server-url nor a token issuer: its tokens are refused",
                        tenant);
                continue;
            }
            String previous = tenantByIssuer.put(issuer, tenant);
            if (previous != null) {
                throw new IllegalStateException("tenants " + previous + " and " + tenant + " share issuer " + issuer);
            }
            LOG.infof("tenant '%s' accepts tokens issued by %s", tenant, issuer);
        }
    }

    @Override
    public String resolve(RoutingContext context) {
        String authorization = context.request().getHeader("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return UNKNOWN_ISSUER;
        }
        String issuer = unverifiedIssuer(authorization.substring(7).trim());
        String tenant = issuer == null ? null : tenantByIssuer.get(stripSlash(issuer));
        return tenant == null ? UNKNOWN_ISSUER : tenant;
    }

    public Map<String, String> tenantByIssuer() {
        return Map.copyOf(tenantByIssuer);
    }

    static String unverifiedIssuer(String token) {
        String[] parts = token.split("\\.");
        if (parts.length < 2) {
            return null;
        }
        try {
            Object iss = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8))
                    .getValue("iss");
            return iss instanceof String s ? s : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
