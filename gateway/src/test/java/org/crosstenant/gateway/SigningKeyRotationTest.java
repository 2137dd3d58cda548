package org.crosstenant.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
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
import io.restassured.http.ContentType;

/**
 * A home tenant's signing-key rotation is picked up at once, whatever tokens arrived before: a token with an unknown
 * {@code kid} re-fetches that tenant's JWKS, rate-limited per issuer (at most one forced fetch per
 * {@code crosstenant.gateway.oidc-jwk-refresh-interval}, 1 s), never for Quarkus' default 10 minutes. The realm's
 * JWKS is served by WireMock and rotated through its admin API.
 */
@QuarkusTest
@QuarkusTestResource(OidcRealmsTestResource.class)
@QuarkusTestResource(UpstreamTestResource.class)
@QuarkusTestResource(KafkaTestResource.class)
class SigningKeyRotationTest {

    private static final String CERTS = "/realms/contoso/protocol/openid-connect/certs";

    @Test
    void aRotatedKeyIsAcceptedAlthoughAnAttackerSentUnknownKidsJustBefore() throws Exception {
        String ok = TenantTokens.token("contoso", "alice", "alice@contoso.example");
        given().auth().oauth2(ok).get("/api/v1/audit/records").then().statusCode(200);

        // the attack: tokens claiming contoso's issuer with a kid contoso does not have (unsigned, and self-signed)
        Map<String, Object> claims = TenantTokens.claims("contoso", "mallory", "mallory@contoso.example");
        String unsigned = b64url("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"attacker-" + UUID.randomUUID()
                + "\"}") + "." + Jwts.unsigned(claims).split("\\.")[1] + ".";
        String selfSigned = Jwts.sign(rsa().getPrivate(), "attacker-" + UUID.randomUUID(), claims);
        given().auth().oauth2(unsigned).get("/api/v1/audit/records").then().statusCode(401);
        given().auth().oauth2(selfSigned).get("/api/v1/audit/records").then().statusCode(401);

        // contoso rotates: its JWKS now holds a new key (and still the old one, for tokens in flight)
        KeyPair rotated = rsa();
        String kid = "contoso-rotated-" + UUID.randomUUID();
        List<Object> keys = new ArrayList<>(given().get(wiremock() + CERTS).then().statusCode(200).extract()
                .jsonPath().getList("keys"));
        keys.add(jwk((RSAPublicKey) rotated.getPublic(), kid));
        String stub = given().contentType(ContentType.JSON).body(Map.of(
                "request", Map.of("method", "GET", "url", CERTS),
                "response", Map.of("status", 200, "headers", Map.of("Content-Type", "application/json"),
                        "jsonBody", Map.of("keys", keys))))
                .post(wiremock() + "/__admin/mappings").then().statusCode(201).extract().path("id");
        try {
            String fresh = Jwts.sign(rotated.getPrivate(), kid,
                    TenantTokens.claims("contoso", "alice", "alice@contoso.example"));
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                    given().auth().oauth2(fresh).get("/api/v1/audit/records").then().statusCode(200));
            // the old key still works, and a token signed by another key with the new kid does not
            given().auth().oauth2(ok).get("/api/v1/audit/records").then().statusCode(200);
            given().auth().oauth2(Jwts.sign(rsa().getPrivate(), kid, claims)).get("/api/v1/audit/records").then()
                    .statusCode(401);
        } finally {
            given().delete(wiremock() + "/__admin/mappings/" + stub);
        }
    }

    @Test
    void aFloodOfUnknownKidsFetchesTheKeySetAtMostOncePerIntervalPerIssuer() throws Exception {
        KeyPair attacker = rsa();
        long before = jwksFetches();
        long start = System.nanoTime();
        int sent = 40;
        for (int i = 0; i < sent; i++) {
            String token = Jwts.sign(attacker.getPrivate(), "flood-" + i,
                    TenantTokens.claims("contoso", "mallory", "mallory@contoso.example"));
            given().auth().oauth2(token).get("/api/v1/audit/records").then().statusCode(401);
        }
        double elapsedSeconds = (System.nanoTime() - start) / 1e9;
        long fetched = jwksFetches() - before;
        // one forced fetch per started interval (1 s) at most, whatever the number of tokens
        long allowed = (long) Math.ceil(elapsedSeconds / 1.0) + 1;
        assertTrue(fetched <= allowed, fetched + " JWKS fetches for " + sent + " unknown kids in " + elapsedSeconds
                + " s; at most " + allowed + " allowed");
    }

    private static long jwksFetches() {
        return ((Number) given().contentType(ContentType.JSON).body(Map.of("method", "GET", "url", CERTS))
                .post(wiremock() + "/__admin/requests/count").then().statusCode(200).extract().path("count"))
                .longValue();
    }

    private static String wiremock() {
        return TenantTokens.value("crosstenant.gateway.oidc-base-url");
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        return gen.generateKeyPair();
    }

    private static Map<String, Object> jwk(RSAPublicKey key, String kid) {
        return Map.of("kty", "RSA", "use", "sig", "alg", "RS256", "kid", kid, "n", b64(key.getModulus()),
                "e", b64(key.getPublicExponent()));
    }

    private static String b64url(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String b64(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
