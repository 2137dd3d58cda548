package org.crosstenant.invitation.rest;

import java.util.Set;

import jakarta.enterprise.context.RequestScoped;

import org.crosstenant.invitation.model.Caller;
import org.crosstenant.invitation.model.Identifiers;
import org.crosstenant.invitation.service.ProblemException;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Reads the caller from the gateway's federated token, the only identity this service trusts. */
@RequestScoped
public class CallerFactory {

    private final JsonWebToken token;

    public CallerFactory(JsonWebToken token) {
        this.token = token;
    }

    /**
     * The caller as the token describes it, in the form this service stores and compares: tenant and subject as
     * given, the email canonical ({@link Identifiers#canonicalEmail}).
     *
     * @return the caller
     * @throws ProblemException 403 when the tenant or subject claim is missing (or the tenant is not an id); 422
     *                          {@code limit-exceeded}/{@code invalid-token-claim} naming {@code token.home_sub}
     *                          or {@code token.issuer} when a claim cannot be stored as it is (an email that cannot be
     *                          stored is treated as absent)
     */
    public Caller caller() {
        String tenant = token.getClaim("tenant");
        // the subject at home: parties, grants and events are keyed by (tenant, home subject); the token's sub is
        // the gateway's opaque federated subject (docs/api.md)
        String subject = token.getClaim("home_sub");
        if (tenant == null || tenant.isBlank() || subject == null || subject.isBlank()) {
            // verified but useless for authorisation: refuse rather than guess
            throw ProblemException.forbidden("Federated token lacks the tenant or home_sub claim");
        }
        if (!Identifiers.isId(tenant)) {
            throw ProblemException.forbidden("Federated token's tenant claim is not a tenant id");
        }
        Set<String> groups = token.getGroups() == null ? Set.of() : Set.copyOf(token.getGroups());
        String email = token.getClaim("email");
        String issuer = token.getClaim("issuer");
        check("token.home_sub", Identifiers.textViolation(subject, Identifiers.MAX_SUBJECT_CHARS));
        if (issuer != null) {
            check("token.issuer", Identifiers.textViolation(issuer, Identifiers.MAX_ISSUER_CHARS));
        }
        String canonical = email == null ? null : Identifiers.canonicalEmail(email);
        if (canonical != null && Identifiers.emailViolation(canonical) != null) {
            // the gateway vouches by its own rule; an address this service cannot store is treated as absent (the
            // caller is still known by tenant + home_sub) rather than refusing every request of that caller
            canonical = null;
        }
        return new Caller(tenant, subject, canonical, issuer, groups);
    }

    private static void check(String claim, Identifiers.Refusal refusal) {
        if (refusal == null) {
            return;
        }
        String detail = "The caller's " + claim + " claim " + refusal.reason();
        throw refusal.limit() != null ? ProblemException.overLimit(claim, refusal.limit(), detail)
                : ProblemException.unprocessable("invalid-token-claim", "Unusable token claim", detail, claim, null);
    }
}
