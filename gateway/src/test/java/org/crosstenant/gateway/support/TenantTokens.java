package org.crosstenant.gateway.support;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;

/** Tokens as a tenant realm would issue them, signed with the test realms' keys. */
public final class TenantTokens {

    private TenantTokens() {
    }

    public static Map<String, Object> claims(String realm, String subject, String email, String... roles) {
        Map<String, Object> claims = new HashMap<>();
        claims.put("iss", issuer(realm));
        claims.put("sub", subject);
        claims.put("aud", "crosstenant-gateway");
        claims.put("email", email);
        claims.put("email_verified", true); // as Keycloak issues it for the demo users
        claims.put("iat", Instant.now().getEpochSecond());
        claims.put("exp", Instant.now().plusSeconds(300).getEpochSecond());
        claims.put("realm_access", Map.of("roles", List.of(roles)));
        return claims;
    }

    public static String token(String realm, String subject, String email, String... roles) {
        return signedBy(realm, claims(realm, subject, email, roles));
    }

    public static String signedBy(String realm, Map<String, Object> claims) {
        return Jwts.sign(Jwts.readPrivateKey(value("test.realm." + realm + ".private-key")),
                value("test.realm." + realm + ".kid"), claims);
    }

    public static String issuer(String realm) {
        return value("test.realm." + realm + ".issuer");
    }

    public static String value(String name) {
        return ConfigProvider.getConfig().getValue(name, String.class);
    }
}
