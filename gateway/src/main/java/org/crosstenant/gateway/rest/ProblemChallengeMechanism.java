package org.crosstenant.gateway.rest;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * Authenticates nobody; it exists so that the challenge sent to a caller without a usable token (no token, or one
 * from an unknown issuer) is a problem+json 401 rather than Quarkus' empty body, with the RFC 6750 §3.1 challenge
 * ({@link Problems#bearerChallenge}: {@code invalid_token} when a bearer token was sent). Ranked above OIDC so it answers
 * first; a token OIDC rejected is answered by the route failure handler instead (OIDC owns that challenge).
 */
@ApplicationScoped
public class ProblemChallengeMechanism implements HttpAuthenticationMechanism {

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        return Uni.createFrom().nullItem();
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate",
                Problems.bearerChallenge(context.request().getHeader("Authorization"), detail(context))));
    }

    @Override
    public Uni<Boolean> sendChallenge(RoutingContext context) {
        Problems.unauthorized(context, detail(context));
        return Uni.createFrom().item(true);
    }

    private static String detail(RoutingContext context) {
        return GatewayRoutes.bearerToken(context.request().getHeader("Authorization")) != null
                ? "The bearer token was not issued by a federated tenant's identity provider"
                : "A bearer token from your tenant's identity provider is required";
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of();
    }

    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY + 1000;
    }
}
