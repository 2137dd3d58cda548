package org.crosstenant.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.crosstenant.gateway.support.Jwts;
import org.crosstenant.gateway.support.Kafka;
import org.crosstenant.gateway.support.OidcRealmsTestResource;
import org.crosstenant.gateway.support.RawHttp;
import org.crosstenant.gateway.support.TenantTokens;
import org.crosstenant.gateway.support.UpstreamTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonObject;

/**
 * The {@code /apps} hot path authenticates a request from the verified-token cache, ahead of Quarkus' security chain
 * ({@code GatewayRoutes#appsFromCache}). Every token the chain refuses is still refused, the same way (401
 * problem+json), however often it is sent — it never gets into the cache — and a cached token still meets every
 * check after authentication: expiry, grants and their revocation, the tenant of the application, the body limit.
 */
@QuarkusTest
@QuarkusTestResource(OidcRealmsTestResource.class)
@QuarkusTestResource(UpstreamTestResource.class)
@QuarkusTestResource(KafkaTestResource.class)
class AppsCachedAuthenticationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @TestHTTPResource("/")
    URL gateway;

    /** A registered contoso application whose upstream records requests, and alice (a member) reaching it. */
    private static String registeredApp(String alice) {
        String app = "hot-" + UUID.randomUUID().toString().substring(0, 8);
        AppAccessTest.registerApplication("contoso", app, TenantTokens.value("test.upstream.url") + "/app");
        await().atMost(PATIENCE).untilAsserted(() -> given().auth().oauth2(alice).get("/apps/contoso/" + app + "/x")
                .then().statusCode(200));
        return app;
    }

    @Test
    void aCachedTokenIsAnsweredFromTheCacheAndStillProxiedWithItsBody() {
        String alice = TenantTokens.token("contoso", "alice-" + UUID.randomUUID(), "alice@contoso.example");
        String app = registeredApp(alice);
        double hits = homeCacheHits();
        String body = "x".repeat(100_000);
        given().auth().oauth2(alice).contentType("text/plain").body(body).post("/apps/contoso/" + app + "/upload")
                .then().statusCode(200).body("upstreamPath", equalTo("/app/upload"));
        assertTrue(homeCacheHits() > hits, "the request was authenticated from the cache");
        assertEquals(body, FederationTest.last().get("body"), "the whole body reached the upstream");
    }

    @Test
    void aCachedTokenStopsWorkingAtItsExpiry() {
        Map<String, Object> claims = TenantTokens.claims("contoso", "short-" + UUID.randomUUID(), "s@contoso.example");
        claims.put("exp", Instant.now().plusSeconds(5).getEpochSecond());
        String token = TenantTokens.signedBy("contoso", claims);
        String app = registeredApp(TenantTokens.token("contoso", "alice-sub", "alice@contoso.example"));
        String path = "/apps/contoso/" + app + "/x";
        given().auth().oauth2(token).get(path).then().statusCode(200);
        double hits = homeCacheHits();
        given().auth().oauth2(token).get(path).then().statusCode(200);
        assertTrue(homeCacheHits() > hits, "the second request was authenticated from the cache");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> refused(given().auth().oauth2(token), path));
    }

    @Test
    void tokensTheChainRefusesAreRefusedEveryTimeWhileTheirGenuineTwinIsCached() {
        Map<String, Object> claims = TenantTokens.claims("contoso", "alice-" + UUID.randomUUID(),
                "alice@contoso.example");
        String alice = TenantTokens.signedBy("contoso", claims);
        String app = registeredApp(alice); // alice's genuine token is cached now
        String path = "/apps/contoso/" + app + "/x";
        String contosoKey = TenantTokens.value("test.realm.contoso.private-key");

        Map<String, Object> otherIssuer = new java.util.HashMap<>(claims);
        otherIssuer.put("iss", "http://127.0.0.1:1/realms/contoso");
        Map<String, Object> fabrikamIssuer = new java.util.HashMap<>(claims);
        fabrikamIssuer.put("iss", TenantTokens.issuer("fabrikam"));
        Map<String, Object> expired = new java.util.HashMap<>(claims);
        expired.put("iat", Instant.now().minusSeconds(3600).getEpochSecond());
        expired.put("exp", Instant.now().minusSeconds(600).getEpochSecond());
        Map<String, Object> notYet = new java.util.HashMap<>(claims);
        notYet.put("nbf", Instant.now().plusSeconds(3600).getEpochSecond());
        Map<String, Object> otherAudience = new java.util.HashMap<>(claims);
        otherAudience.put("aud", "some-other-client");
        String[] parts = alice.split("\\.");
        List<String> refusedTokens = List.of(
                TenantTokens.signedBy("contoso", otherIssuer), // an issuer no tenant has
                TenantTokens.signedBy("contoso", fabrikamIssuer), // another tenant's issuer, contoso's key
                TenantTokens.signedBy("fabrikam", claims), // contoso's issuer, another tenant's key
                Jwts.sign(Jwts.readPrivateKey(contosoKey), "unknown-" + UUID.randomUUID(), claims), // unknown kid
                TenantTokens.signedBy("contoso", expired),
                TenantTokens.signedBy("contoso", notYet),
                TenantTokens.signedBy("contoso", otherAudience),
                Jwts.unsigned(claims), // alg none, the same claims
                parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 4)
                        + (parts[2].endsWith("AAAA") ? "BBBB" : "AAAA"), // the cached token's signature broken
                alice + "x", // the cached token with a byte more
                parts[0] + "." + parts[1]); // the cached token without its signature
        for (String token : refusedTokens) {
            for (int i = 0; i < 2; i++) { // the second time too: a refused token never reaches the cache
                refused(given().auth().oauth2(token), path);
            }
        }
        // malformed Authorization headers around the cached token
        for (String authorization : List.of("Bearer", "Bearer ", "Basic " + alice, alice, "Bearer " + alice + " x",
                "Token " + alice)) {
            refused(given().header("Authorization", authorization), path);
        }
        // and the cached token itself still works
        given().auth().oauth2(alice).get(path).then().statusCode(200);
    }

    @Test
    void aCachedTokenGetsTheSame403ForAnotherTenantsApplicationAndAfterItsGrantIsRevoked() {
        String alice = TenantTokens.token("contoso", "alice-" + UUID.randomUUID(), "alice@contoso.example");
        String app = registeredApp(alice);
        String path = "/apps/contoso/" + app + "/x";
        // a contoso member, cached, at a fabrikam application that exists and one that does not: the same 403
        String fabrikamApp = "fab-" + UUID.randomUUID().toString().substring(0, 8);
        AppAccessTest.registerApplication("fabrikam", fabrikamApp, TenantTokens.value("test.upstream.url") + "/app");
        String bob = TenantTokens.token("fabrikam", "bob-" + UUID.randomUUID(), "bob@fabrikam.example");
        await().atMost(PATIENCE).untilAsserted(() -> given().auth().oauth2(bob)
                .get("/apps/fabrikam/" + fabrikamApp + "/x").then().statusCode(200));
        String denied = forbidden(alice, "/apps/fabrikam/" + fabrikamApp + "/x");
        assertEquals(denied.replace(fabrikamApp, "nothing"), forbidden(alice, "/apps/fabrikam/nothing/x"));

        // a fabrikam guest with a grant: allowed from the cache, then 403 once the grant is revoked
        String guestSubject = "guest-" + UUID.randomUUID();
        String guest = TenantTokens.token("fabrikam", guestSubject, "bob@fabrikam.example");
        forbidden(guest, path);
        String invitation = UUID.randomUUID().toString();
        Kafka.allowCollaboration("contoso", "fabrikam");
        Kafka.produce("invitations.events", invitation, "org.crosstenant.invitation.redeemed.v1",
                "/crosstenant/invitation", """
                        {"invitationId": "%s", "resourceTenant": "contoso", "application": "%s",
                         "invitee": {"tenant": "fabrikam", "email": "bob@fabrikam.example"},
                         "guest": {"tenant": "fabrikam", "issuer": "%s", "subject": "%s", "email": "bob@fabrikam.example"},
                         "grantExpiresAt": "%s", "occurredAt": "%s"}"""
                        .formatted(invitation, app, TenantTokens.issuer("fabrikam"), guestSubject,
                                Instant.now().plusSeconds(3600), Instant.now()));
        await().atMost(PATIENCE).untilAsserted(() -> given().auth().oauth2(guest).get(path).then().statusCode(200));
        double hits = homeCacheHits();
        given().auth().oauth2(guest).get(path).then().statusCode(200);
        assertTrue(homeCacheHits() > hits, "the guest's request was authenticated from the cache");
        Kafka.produce("invitations.events", invitation, "org.crosstenant.invitation.revoked.v1",
                "/crosstenant/invitation", """
                        {"invitationId": "%s", "resourceTenant": "contoso", "application": "%s",
                         "invitee": {"tenant": "fabrikam", "email": "bob@fabrikam.example"},
                         "guest": {"tenant": "fabrikam", "issuer": "x", "subject": "%s", "email": "bob@fabrikam.example"},
                         "revokedBy": {"tenant": "contoso", "subject": "alice", "email": "alice@contoso.example"},
                         "occurredAt": "%s"}""".formatted(invitation, app, guestSubject, Instant.now()));
        await().atMost(PATIENCE).untilAsserted(() -> forbidden(guest, path));
    }

    @Test
    void aCachedTokenStillMeetsTheBodyLimitAndThePathChecks() throws Exception {
        String alice = TenantTokens.token("contoso", "alice-" + UUID.randomUUID(), "alice@contoso.example");
        String app = registeredApp(alice);
        RawHttp.Response tooLarge = RawHttp.get(gateway.toURI(), "/apps/contoso/" + app + "/x", alice,
                "Content-Length: 999999999999");
        assertEquals(413, tooLarge.status(), tooLarge.body());
        assertEquals("body", new JsonObject(tooLarge.body()).getString("field"));
        RawHttp.Response smuggled = RawHttp.get(gateway.toURI(), "/apps/contoso/" + app + "/..%2Fsecrets/x", alice);
        assertEquals(400, smuggled.status(), smuggled.body());
        assertEquals(400, new JsonObject(smuggled.body()).getInteger("status"));
    }

    private static void refused(RequestSpecification request, String path) {
        request.get(path).then().statusCode(401).contentType("application/problem+json")
                .body("status", equalTo(401));
    }

    private static String forbidden(String token, String path) {
        return given().auth().oauth2(token).get(path).then().statusCode(403).contentType("application/problem+json")
                .body("status", equalTo(403)).extract().path("detail");
    }

    /** The home token cache's hit count, from /q/metrics. */
    static double homeCacheHits() {
        String body = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("^crosstenant_gateway_token_cache_requests_total\\{cache=\"home\",result=\"hit\"} "
                + "(\\S+)$", Pattern.MULTILINE).matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
