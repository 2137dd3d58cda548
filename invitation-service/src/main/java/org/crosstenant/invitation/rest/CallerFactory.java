package org.crosstenant.invitation.rest;

import java.util.Set;

import jakarta.enterprise.context.RequestScoped;

import org.crosstenant.invitation.model.Caller;
import org.crosstenant.invitation.service.ProblemException;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Reads the caller from the gateway's federated token, the only identity this service trusts. */
@RequestScoped
public class CallerFactory {

    private final JsonWebToken token;

    public CallerFactory(JsonWebToken token) {
        this.token = token;
    }

    public Caller caller() {
        String tenant = token.getClaim("tenant");
        // the subject at home: parties, grants and events are keyed by (tenant, home subject); the token's sub is
        // the gateway's opaque federated subject (docs/api.md)
        String subject = token.getClaim("home_sub");
        if (tenant == null || tenant.isBlank() || subject == null || subject.isBlank()) {
            // verified but useless for authorisation: refuse rather than guess
            throw ProblemException.forbidden("Federated token lacks the tenant or home_sub claim");
        }
        Set<String> groups = token.getGroups() == null ? Set.of() : Set.copyOf(token.getGroups());
        String email = token.getClaim("email");
        String issuer = token.getClaim("issuer");
        return new Caller(tenant, subject, email, issuer, groups);
    }
}
