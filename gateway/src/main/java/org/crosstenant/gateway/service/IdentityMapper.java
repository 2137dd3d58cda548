package org.crosstenant.gateway.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.gateway.model.FederatedIdentity;
import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;

/** Maps an identity verified by one tenant's OIDC configuration to the one federated identity shape. */
@ApplicationScoped
public class IdentityMapper {

    /** Attribute Quarkus OIDC sets on the identity: the id of the tenant configuration that verified the token. */
    static final String OIDC_TENANT_ATTRIBUTE = "tenant-id";
    /** Attribute holding the identity's federated form, computed once per verified token. */
    public static final String FEDERATED_IDENTITY = "crosstenant.federated-identity";

    private final VerifiedTokenCache verified;
    private final VouchedEmails emails;

    public IdentityMapper(VerifiedTokenCache verified, VouchedEmails emails) {
        this.verified = verified;
        this.emails = emails;
    }

    /**
     * Maps, and remembers the mapping: an identity OIDC has just verified is stored in the {@link VerifiedTokenCache}
     * under its raw token together with its federated form, so the next request with the same token needs neither
     * verification nor mapping.
     *
     * @param identity the verified identity (principal: the tenant's {@link JsonWebToken})
     * @return the federated identity, or null for an anonymous identity or one no named tenant verified
     */
    public FederatedIdentity map(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous()) {
            return null;
        }
        if (identity.getAttribute(FEDERATED_IDENTITY) instanceof FederatedIdentity known) {
            return known; // from the cache
        }
        FederatedIdentity federated = mapVerified(identity);
        AccessTokenCredential credential = identity.getCredential(AccessTokenCredential.class);
        if (federated != null && credential != null) {
            verified.put(credential.getToken(), QuarkusSecurityIdentity.builder(identity)
                    .addAttribute(FEDERATED_IDENTITY, federated).build());
        }
        return federated;
    }

    private FederatedIdentity mapVerified(SecurityIdentity identity) {
        if (!(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return null;
        }
        String tenant = identity.getAttribute(OIDC_TENANT_ATTRIBUTE);
        if (tenant == null || "Default".equals(tenant)) {
            return null; // never vouch for a token no named tenant verified
        }
        // only an address the tenant verified, in one of its own domains: invitation redemption authorises on it and
        // applications may key users on it
        String email = emails.vouched(tenant, jwt.getClaim("email"), jwt.getClaim("email_verified"));
        long exp = jwt.getExpirationTime();
        return new FederatedIdentity(tenant, jwt.getIssuer(), jwt.getSubject(), email,
                List.copyOf(identity.getRoles()), session(jwt),
                exp > 0 ? Instant.ofEpochSecond(exp) : null, names(jwt.getClaim("groups")),
                text(jwt.getClaim("acr")), names(jwt.getClaim("amr")), isTrue(jwt.getClaim("device_compliant")),
                ClientTokens.clientOf(jwt.getClaim("client_id"), jwt.getClaim("clientId"),
                        jwt.getClaim("preferred_username")));
    }

    /** Most names taken from one claim ({@code groups}, {@code amr}); more are ignored, so a token cannot grow the cost. */
    static final int MAX_NAMES = 200;
    /** Longest group or method name taken, in characters (access settings' group targets are at most 255). */
    static final int MAX_NAME = 255;

    /**
     * The strings of a claim that is an array of strings (a single string counts as one); anything else, empty
     * strings and names over {@link #MAX_NAME} characters are ignored, at most {@link #MAX_NAMES} are kept.
     */
    static List<String> names(Object claim) {
        java.util.Collection<?> values = claim instanceof jakarta.json.JsonArray array ? array
                : claim instanceof java.util.Collection<?> c ? c : claim == null ? List.of() : List.of(claim);
        List<String> names = new java.util.ArrayList<>();
        for (Object value : values) {
            String name = text(value);
            if (name != null && !name.isEmpty() && name.length() <= MAX_NAME && names.size() < MAX_NAMES) {
                names.add(name);
            }
        }
        return names.stream().distinct().toList();
    }

    private static String text(Object claim) {
        return claim instanceof jakarta.json.JsonString s ? s.getString() : claim instanceof String s ? s : null;
    }

    private static boolean isTrue(Object claim) {
        return claim == jakarta.json.JsonValue.TRUE || Boolean.TRUE.equals(claim);
    }

    /**
     * The federated session a token belongs to: its {@code sid} claim (OIDC session id, shared by every token of one
     * sign-in) if present, else {@code "t-"} + a SHA-256 (base64url, 16 bytes) of issuer, subject and the token's
     * {@code jti}, or its {@code iat} when it has no jti (then each token is its own session).
     */
    static String session(JsonWebToken jwt) {
        Object sid = jwt.getClaim("sid");
        String value = sid instanceof jakarta.json.JsonString s ? s.getString() : sid == null ? null : sid.toString();
        if (value != null && !value.isBlank()) {
            return value;
        }
        String id = jwt.getTokenID() != null ? "jti:" + jwt.getTokenID() : "iat:" + jwt.getIssuedAtTime();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((jwt.getIssuer() + "\n" + jwt.getSubject() + "\n" + id).getBytes(StandardCharsets.UTF_8));
            return "t-" + Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
