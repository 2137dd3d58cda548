package org.crosstenant.gateway.rest;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.gateway.service.VerifiedTokenCache;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * Asked before Quarkus OIDC: a bearer token that is in the {@link VerifiedTokenCache} (exactly the same raw token,
 * verified by OIDC before and not expired) authenticates as the identity verified then, rebound to this request.
 * Any other request gets no answer here, so OIDC verifies it as usual (and {@code IdentityMapper} caches the
 * result). Ranked between {@link ProblemChallengeMechanism} (which answers challenges) and OIDC; never challenges.
 */
@ApplicationScoped
public class CachedTokenMechanism implements HttpAuthenticationMechanism {

    private final VerifiedTokenCache cache;

    public CachedTokenMechanism(VerifiedTokenCache cache) {
        this.cache = cache;
    }

    /**
     * @return the cached identity (with this request's routing context), or a null item: not cached, OIDC decides
     */
    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        String token = GatewayRoutes.bearerToken(context.request().getHeader("Authorization"));
        SecurityIdentity cached = token == null ? null : cache.get(token);
        if (cached == null) {
            return Uni.createFrom().nullItem();
        }
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder(cached)
                .addAttribute(RoutingContext.class.getName(), context).build());
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().nullItem();
    }

    @Override
    public Uni<Boolean> sendChallenge(RoutingContext context) {
        return Uni.createFrom().item(false);
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of();
    }

    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY + 500;
    }
}
