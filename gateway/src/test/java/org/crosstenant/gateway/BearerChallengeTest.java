package org.crosstenant.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.crosstenant.gateway.support.Jwts;
import org.crosstenant.gateway.support.OidcRealmsTestResource;
import org.crosstenant.gateway.support.TenantTokens;
import org.crosstenant.gateway.support.UpstreamTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

/**
 * 401s say why (RFC 6750 §3.1): a bearer token that fails verification gets {@code Bearer error="invalid_token"},
 * a request without credentials a bare {@code Bearer}; on {@code /api} (Quarkus' own chain only) and on
 * {@code /apps} (the verified-token cache first, then the chain), always with a problem+json body.
 */
@QuarkusTest
@QuarkusTestResource(OidcRealmsTestResource.class)
@QuarkusTestResource(UpstreamTestResource.class)
@QuarkusTestResource(KafkaTestResource.class)
class BearerChallengeTest {

    private static final List<String> PATHS = List.of("/api/v1/invitations/1", "/apps/contoso/projects/x");

    /** Tokens that fail verification, by why. */
    private static Map<String, String> invalidTokens() {
        Map<String, Object> claims = TenantTokens.claims("contoso", "alice-" + UUID.randomUUID(),
                "alice@contoso.example");
        Map<String, String> tokens = new LinkedHashMap<>();
        Map<String, Object> expired = new HashMap<>(claims);
        expired.put("iat", Instant.now().minusSeconds(3600).getEpochSecond());
        expired.put("exp", Instant.now().minusSeconds(600).getEpochSecond());
        tokens.put("expired", TenantTokens.signedBy("contoso", expired));
        tokens.put("bad signature (fabrikam's key, contoso's issuer)", TenantTokens.signedBy("fabrikam", claims));
        Map<String, Object> unknownIssuer = new HashMap<>(claims);
        unknownIssuer.put("iss", "http://127.0.0.1:1/realms/evil");
        tokens.put("unknown issuer", TenantTokens.signedBy("contoso", unknownIssuer));
        Map<String, Object> otherAudience = new HashMap<>(claims);
        otherAudience.put("aud", "some-other-client");
        tokens.put("wrong audience", TenantTokens.signedBy("contoso", otherAudience));
        tokens.put("alg none", Jwts.unsigned(claims));
        tokens.put("malformed", "not-a-jwt");
        tokens.put("two words", TenantTokens.signedBy("contoso", claims) + " x");
        return tokens;
    }

    @Test
    void aTokenThatFailsVerificationGetsInvalidTokenOnBothPaths() {
        invalidTokens().forEach((why, token) -> {
            for (String path : PATHS) {
                String challenge = unauthorized(given().header("Authorization", "Bearer " + token), path);
                assertTrue(challenge.startsWith("Bearer error=\"invalid_token\""), why + " at " + path + ": "
                        + challenge);
            }
        });
    }

    @Test
    void aRequestWithoutABearerTokenGetsABareChallengeOnBothPaths() {
        for (String path : PATHS) {
            assertEquals("Bearer", unauthorized(given(), path), "no Authorization at " + path);
            for (String authorization : List.of("Bearer", "Bearer ", "Basic YWxpY2U6cHc=")) {
                assertEquals("Bearer", unauthorized(given().header("Authorization", authorization), path),
                        "'" + authorization + "' at " + path);
            }
        }
    }

    /** A token the cache answered for, once expired, goes to the chain and gets invalid_token there too. */
    @Test
    void aCachedTokenThatExpiredGetsInvalidToken() {
        String app = "bearer-" + UUID.randomUUID().toString().substring(0, 8);
        AppAccessTest.registerApplication("contoso", app, TenantTokens.value("test.upstream.url") + "/app");
        String path = "/apps/contoso/" + app + "/x";
        String alice = TenantTokens.token("contoso", "alice-" + UUID.randomUUID(), "alice@contoso.example");
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> given().auth().oauth2(alice).get(path).then()
                .statusCode(200)); // registered
        Map<String, Object> claims = TenantTokens.claims("contoso", "short-" + UUID.randomUUID(), "s@contoso.example");
        claims.put("exp", Instant.now().plusSeconds(5).getEpochSecond());
        String token = TenantTokens.signedBy("contoso", claims);
        given().auth().oauth2(token).get(path).then().statusCode(200); // verified by OIDC, now cached
        double hits = AppsCachedAuthenticationTest.homeCacheHits();
        given().auth().oauth2(token).get(path).then().statusCode(200);
        assertTrue(AppsCachedAuthenticationTest.homeCacheHits() > hits, "answered from the cache");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> assertTrue(
                unauthorized(given().auth().oauth2(token), path).startsWith("Bearer error=\"invalid_token\"")));
    }

    /** @return the WWW-Authenticate of the 401 problem+json answer */
    private static String unauthorized(RequestSpecification request, String path) {
        return request.get(path).then().statusCode(401).contentType("application/problem+json")
                .body("status", equalTo(401)).body("type", equalTo("urn:crosstenant:problem:unauthorized"))
                .extract().header("WWW-Authenticate");
    }
}
