package org.crosstenant.gateway.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The caller as the gateway vouches for it: one shape whatever the home tenant's identity provider.
 *
 * @param tenant home tenant id (= the Quarkus OIDC tenant id that verified the token)
 * @param issuer the verified home issuer
 * @param subject the {@code sub} claim at home (unique only within its tenant: see {@link #federatedSubject()})
 * @param email an address the home tenant vouches for (verified, in one of its registered domains, canonical lower
 *        case); null otherwise (service accounts, unverified or foreign-domain addresses)
 * @param roles realm roles at home, sorted so equal identities have equal cache keys
 * @param session opaque federated session id: the home token's {@code sid}, else a hash of its {@code jti} (or
 *        {@code iat}); null when unknown
 * @param expiresAt the home token's {@code exp}; nothing the gateway derives from the token may outlive it; null
 *        when unknown
 * @param groups the home token's {@code groups} claim (group names, as Keycloak's group membership mapper writes
 *        them), matched by access settings' group targets; sorted
 * @param acr the home token's {@code acr} claim, or null
 * @param amr the home token's {@code amr} claim (RFC 8176 method names), sorted
 * @param deviceCompliant whether the home token's {@code device_compliant} claim is boolean true
 * @param client the client id when the home token is a client's own token (client credentials grant: no person),
 *        as {@code org.crosstenant.gateway.service.ClientTokens} tells it from the token's claims; null for a
 *        person's token
 */
public record FederatedIdentity(String tenant, String issuer, String subject, String email, List<String> roles,
        String session, Instant expiresAt, List<String> groups, String acr, List<String> amr,
        boolean deviceCompliant, String client) {

    public FederatedIdentity {
        roles = roles == null ? List.of() : roles.stream().sorted().toList();
        // an immutable list without nulls: List.copyOf of it (Person) copies nothing on the hot path
        groups = groups == null ? List.of() : groups.stream().sorted().collect(Collectors.toUnmodifiableList());
        amr = amr == null ? List.of() : amr.stream().sorted().toList();
    }

    /** A person's identity (not a client's own token). */
    public FederatedIdentity(String tenant, String issuer, String subject, String email, List<String> roles,
            String session, Instant expiresAt, List<String> groups, String acr, List<String> amr,
            boolean deviceCompliant) {
        this(tenant, issuer, subject, email, roles, session, expiresAt, groups, acr, amr, deviceCompliant, null);
    }

    /** Whether the home token is a client's own token, no person's: shared applications admit people only. */
    public boolean isClient() {
        return client != null;
    }

    /** An identity whose home token says nothing of groups, MFA or device. */
    public FederatedIdentity(String tenant, String issuer, String subject, String email, List<String> roles,
            String session, Instant expiresAt) {
        this(tenant, issuer, subject, email, roles, session, expiresAt, null, null, null, false);
    }

    /**
     * The {@code sub} of the federated token: unique under the gateway's one issuer whatever the home tenants' identity
     * providers assert (OIDC Core 1.0 §8, "public" subject identifier type: the same value for every application). It
     * is {@code base64url(SHA-256("crosstenant-sub-v1\n" + tenant + "\n" + subject))} without padding, 43 ASCII
     * characters: two tenants' users with the same home {@code sub} get different values, the value never changes
     * for one user, and no home {@code sub} (of any length or characters) can make it exceed OIDC's 255 characters.
     *
     * @return the opaque federated subject
     */
    public String federatedSubject() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    ("crosstenant-sub-v1\n" + tenant + "\n" + subject).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JVM has SHA-256
        }
    }

    /** An identity without session or expiry (service-side tests, tools). */
    public FederatedIdentity(String tenant, String issuer, String subject, String email, List<String> roles) {
        this(tenant, issuer, subject, email, roles, null, null);
    }
}
