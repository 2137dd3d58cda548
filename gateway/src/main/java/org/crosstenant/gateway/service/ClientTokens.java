package org.crosstenant.gateway.service;

/**
 * The one place that tells a client's own token (OAuth 2.0 client credentials grant, RFC 6749 §4.4: no person, no
 * resource owner) from a person's token, by the markers the tenants' identity provider writes. The markers are those
 * of Keycloak, the suite's home identity provider:
 * <ul>
 * <li>{@code preferred_username} starting with {@value #SERVICE_ACCOUNT_PREFIX}: the user Keycloak creates for a
 * client's service account is named {@code service-account-<clientId>}. This is the marker the demo realms' tokens
 * carry: {@code KeycloakStepUpTest} checks a real client-credentials token of Keycloak 26.7 (deploy/infra), which
 * has it, {@code azp} and no client id claim (clients imported from a realm file get no {@code service_account}
 * client scope);</li>
 * <li>{@code client_id} claim: written by the "Client ID" mapper of Keycloak's {@code service_account} client scope
 * (Keycloak 26), which Keycloak assigns to a client whose service account is enabled through its admin API or
 * console, and which only service-account tokens carry;</li>
 * <li>{@code clientId} claim: the same mapper's claim name before Keycloak 26 (realms upgraded from older versions
 * keep it).</li>
 * </ul>
 * Any one marker is enough: refusing a person whose token looked like a client's is the safe mistake. An identity
 * provider that writes {@code client_id} into people's tokens too (RFC 9068 §2.2 does) is not supported as a home
 * identity provider without changing this class.
 */
public final class ClientTokens {

    /** Keycloak's user name prefix of a client's service account. */
    public static final String SERVICE_ACCOUNT_PREFIX = "service-account-";

    private ClientTokens() {
    }

    /**
     * @param clientIdClaim the token's {@code client_id} claim (a String or JSON string), or null
     * @param legacyClientIdClaim the token's {@code clientId} claim, or null
     * @param preferredUsernameClaim the token's {@code preferred_username} claim, or null
     * @return the client id when the token is a client's own token (the {@code client_id} value, else the legacy
     *         {@code clientId} value, else the service account's user name without its prefix), or null for a
     *         person's token
     */
    public static String clientOf(Object clientIdClaim, Object legacyClientIdClaim, Object preferredUsernameClaim) {
        // azp is no marker: a person's token names the client that asked for it there too
        String clientId = text(clientIdClaim);
        if (clientId != null) {
            return clientId;
        }
        String legacy = text(legacyClientIdClaim);
        if (legacy != null) {
            return legacy;
        }
        String username = text(preferredUsernameClaim);
        if (username != null && username.startsWith(SERVICE_ACCOUNT_PREFIX)) {
            String client = username.substring(SERVICE_ACCOUNT_PREFIX.length());
            return client.isEmpty() ? username : client;
        }
        return null;
    }

    /** A non-blank string claim's value; anything else (absent, blank, not a string) is no marker. */
    private static String text(Object claim) {
        String value = claim instanceof jakarta.json.JsonString s ? s.getString() : claim instanceof String s ? s : null;
        return value == null || value.isBlank() ? null : value;
    }
}
