package org.crosstenant.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.crosstenant.gateway.support.Jwts;
import org.crosstenant.gateway.support.OidcRealmsTestResource;
import org.crosstenant.gateway.support.TenantTokens;
import org.crosstenant.gateway.support.UpstreamTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** Token federation at the gateway and the /api proxy to the services. */
@QuarkusTest
@QuarkusTestResource(OidcRealmsTestResource.class)
@QuarkusTestResource(UpstreamTestResource.class)
@QuarkusTestResource(KafkaTestResource.class)
class FederationTest {

    @TestHTTPResource("/")
    URI gateway;

    @BeforeEach
    void clearUpstream() {
        given().baseUri(TenantTokens.value("test.upstream.url")).delete("/__recorded").then().statusCode(200);
    }

    @Test
    void missingTokenIsA401Problem() {
        given().get("/api/v1/invitations/1")
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("status", equalTo(401)).body("title", equalTo("Unauthorized"))
                .body("instance", equalTo("/api/v1/invitations/1"));
        assertTrue(recorded().isEmpty(), "nothing may reach a service without a valid token");
    }

    @Test
    void theAuditCheckpointKeyIsPublicAndNothingElseOfTheAuditApiIs() {
        // a verifier without an account fetches the key that verifies the audit log's checkpoints (docs/audit.md)
        given().get("/api/v1/audit/checkpoint/key")
                .then().statusCode(200).body("upstreamPath", equalTo("/api/v1/audit/checkpoint/key"));
        Map<String, List<String>> forwarded = headers(last());
        assertFalse(forwarded.containsKey("authorization"), "no credential is made up for an anonymous caller");
        // a caller's own credentials never travel with it either
        given().header("Cookie", "session=secret").get("/api/v1/audit/checkpoint/key").then().statusCode(200);
        assertFalse(headers(last()).containsKey("cookie"));
        int before = recorded().size();
        // the checkpoint itself, proofs, neighbours of the key's path and other methods still need a token
        for (String path : List.of("/api/v1/audit/checkpoint", "/api/v1/audit/checkpoint/keyx",
                "/api/v1/audit/records/1/proof", "/api/v1/audit/consistency")) {
            given().get(path).then().statusCode(401).contentType("application/problem+json");
        }
        // the key's path with a trailing slash is not the public path: refused, not forwarded
        given().get("/api/v1/audit/checkpoint/key/").then().statusCode(404).contentType("application/problem+json");
        given().post("/api/v1/audit/checkpoint/key").then().statusCode(401);
        assertEquals(before, recorded().size(), "nothing else reached audit-service without a token");
    }

    @Test
    void tokenFromAnUnknownIssuerIsRefused() {
        Map<String, Object> claims = TenantTokens.claims("contoso", "mallory", "m@evil.example", "collab-admin");
        claims.put("iss", "http://127.0.0.1:1/realms/evil");
        assertRefused(TenantTokens.signedBy("contoso", claims));
        assertRefused(Jwts.sign(Jwts.readPrivateKey(TenantTokens.value("test.realm.contoso.private-key")), "x",
                Map.of("sub", "no-issuer", "aud", "crosstenant-gateway",
                        "exp", Instant.now().plusSeconds(60).getEpochSecond())));
    }

    @Test
    void expiredTokenIsRefused() {
        Map<String, Object> claims = TenantTokens.claims("contoso", "alice", "alice@contoso.example");
        claims.put("iat", Instant.now().minusSeconds(3600).getEpochSecond());
        claims.put("exp", Instant.now().minusSeconds(600).getEpochSecond());
        assertRefused(TenantTokens.signedBy("contoso", claims));
    }

    @Test
    void crossSignedForgedUnsignedAndWrongAudienceTokensAreRefused() {
        // claims contoso's issuer, signed with fabrikam's key
        assertRefused(TenantTokens.signedBy("fabrikam", TenantTokens.claims("contoso", "alice", "a@contoso.example")));
        // alg none
        assertRefused(Jwts.unsigned(TenantTokens.claims("contoso", "alice", "a@contoso.example")));
        // tampered payload
        String good = TenantTokens.token("contoso", "alice", "alice@contoso.example");
        String[] parts = good.split("\\.");
        Map<String, Object> claims = TenantTokens.claims("contoso", "root", "root@contoso.example", "collab-admin");
        String forged = parts[0] + "." + Jwts.unsigned(claims).split("\\.")[1] + "." + parts[2];
        assertRefused(forged);
        // not meant for the gateway
        Map<String, Object> otherAudience = TenantTokens.claims("contoso", "alice", "a@contoso.example");
        otherAudience.put("aud", "some-other-client");
        assertRefused(TenantTokens.signedBy("contoso", otherAudience));
    }

    @Test
    void validTokenIsReplacedByAFederatedTokenOnTheWayToTheService() {
        String tenantToken = TenantTokens.token("contoso", "alice-sub", "alice@contoso.example", "collab-admin");
        given().auth().oauth2(tenantToken)
                .header("Idempotency-Key", "idem-1")
                .header("X-Forwarded-Access-Token", tenantToken)
                .header("X-Forwarded-Host", "evil.example").header("X-Forwarded-Proto", "gopher")
                .header("Forwarded", "for=1.2.3.4;host=evil.example").header("X-Real-IP", "1.2.3.4")
                .cookie("session", "s1")
                .contentType("application/json")
                .body("{\"resourceTenant\":\"contoso\"}")
                .post("/api/v1/invitations?dryRun=true")
                .then().statusCode(202)
                // the service answered with its internal address: the caller sees the gateway's
                .header("Location", gateway.resolve("/api/v1/invitations/42").toString())
                .header("Content-Location", gateway.resolve("/api/v1/invitations/42?view=full").toString())
                .body("id", equalTo("42"));

        List<Map<String, Object>> requests = recorded();
        assertEquals(1, requests.size());
        Map<String, Object> request = requests.get(0);
        assertEquals("POST", request.get("method"));
        assertEquals("/api/v1/invitations", request.get("path"));
        assertEquals("dryRun=true", request.get("query"));
        assertEquals("{\"resourceTenant\":\"contoso\"}", request.get("body"));
        Map<String, List<String>> headers = headers(request);
        assertEquals(List.of("idem-1"), headers.get("idempotency-key"));
        assertNull(headers.get("cookie"), "services get no cookies");
        assertNull(headers.get("x-forwarded-access-token"));
        assertFalse(headers.toString().contains(tenantToken), "the tenant token must never reach a service");
        // the gateway says where the request came in; the caller's own claims about it are dropped
        assertEquals(List.of(gateway.getScheme()), headers.get("x-forwarded-proto"));
        assertEquals(List.of(gateway.getRawAuthority()), headers.get("x-forwarded-host"));
        assertNull(headers.get("forwarded"));
        assertNull(headers.get("x-real-ip"));
        assertEquals(List.of("127.0.0.1"), headers.get("x-forwarded-for"), "the peer the gateway saw");

        String federated = headers.get("authorization").get(0).substring("Bearer ".length());
        assertTrue(Jwts.verifies(federated, jwksKey()), "signed by the key the gateway publishes");
        Map<String, Object> claims = Jwts.claims(federated);
        assertEquals("crosstenant-gateway", claims.get("iss"));
        assertEquals("crosstenant-services", claims.get("aud"));
        assertEquals("alice-sub", claims.get("home_sub"));
        assertEquals(43, ((String) claims.get("sub")).length(), "opaque federated subject");
        assertEquals("contoso", claims.get("tenant"));
        assertEquals(TenantTokens.issuer("contoso"), claims.get("issuer"));
        assertEquals("alice@contoso.example", claims.get("email"));
        assertEquals(true, claims.get("email_verified"));
        assertEquals(List.of("collab-admin"), claims.get("groups"));
        long lifetime = ((Number) claims.get("exp")).longValue() - ((Number) claims.get("iat")).longValue();
        assertEquals(60, lifetime);
        assertEquals("RS256", Jwts.header(federated).get("alg"));
    }

    @Test
    void everyConfiguredRealmIsFederatedIncludingOneAddedOnlyByEnvironment() {
        for (String realm : OidcRealmsTestResource.REALMS) {
            given().auth().oauth2(TenantTokens.token(realm, realm + "-user", "u@" + realm + ".example"))
                    .get("/api/v1/audit/records?limit=1")
                    .then().statusCode(200).body("upstreamPath", equalTo("/api/v1/audit/records"));
            Map<String, Object> claims = Jwts.claims(headers(last()).get("authorization").get(0).substring(7));
            assertEquals(realm, claims.get("tenant"));
        }
    }

    @Test
    void anUnverifiedEmailIsNotVouchedFor() {
        Map<String, Object> tenantClaims = TenantTokens.claims("fabrikam", "mallory", "alice@contoso.example");
        tenantClaims.put("email_verified", false);
        given().auth().oauth2(TenantTokens.signedBy("fabrikam", tenantClaims))
                .get("/api/v1/audit/records?limit=1").then().statusCode(200);
        Map<String, Object> claims = Jwts.claims(headers(last()).get("authorization").get(0).substring(7));
        assertEquals("mallory", claims.get("home_sub"));
        assertNull(claims.get("email"));
        assertNull(claims.get("email_verified"));

        tenantClaims.remove("email_verified");
        given().auth().oauth2(TenantTokens.signedBy("fabrikam", tenantClaims))
                .get("/api/v1/audit/records?limit=1").then().statusCode(200);
        assertNull(Jwts.claims(headers(last()).get("authorization").get(0).substring(7)).get("email"));
    }

    @Test
    void unknownApiIsA404Problem() {
        given().auth().oauth2(TenantTokens.token("contoso", "alice", "alice@contoso.example"))
                .get("/api/v1/nope")
                .then().statusCode(404).contentType("application/problem+json").body("status", equalTo(404));
        given().auth().oauth2(TenantTokens.token("contoso", "alice", "alice@contoso.example"))
                .get("/api/v1/tenants/contoso/whatever")
                .then().statusCode(404).contentType("application/problem+json");
        assertTrue(recorded().isEmpty());
    }

    @Test
    void sharedSignalsStreamsReachInvitationServiceWithTheFederatedToken() {
        // issue #8 bullet 7: a tenant admin manages its SSF streams through the gateway like its other tenant APIs
        String tenantToken = TenantTokens.token("contoso", "alice-sub", "alice@contoso.example", "collab-admin");
        given().auth().oauth2(tenantToken).contentType("application/json").body("{\"delivery\":{}}")
                .post("/api/v1/tenants/contoso/ssf/streams").then().statusCode(200);
        given().auth().oauth2(tenantToken).delete("/api/v1/tenants/contoso/ssf/streams/s-1").then().statusCode(200);
        List<Map<String, Object>> requests = recorded();
        assertEquals(2, requests.size());
        assertEquals("/api/v1/tenants/contoso/ssf/streams", requests.get(0).get("path"));
        assertEquals("/api/v1/tenants/contoso/ssf/streams/s-1", requests.get(1).get("path"));
        assertEquals("DELETE", requests.get(1).get("method"));
        for (Map<String, Object> request : requests) {
            String federated = headers(request).get("authorization").get(0).substring("Bearer ".length());
            assertTrue(Jwts.verifies(federated, jwksKey()), "the service gets the gateway's federated token");
            assertEquals("contoso", Jwts.claims(federated).get("tenant"));
        }
        // without a token: 401, nothing reaches the service
        given().get("/api/v1/tenants/contoso/ssf/streams").then().statusCode(401);
        assertEquals(2, recorded().size());
    }

    @Test
    void sharedSignalsTransmitterDocumentsArePublicAndCarryNoCredential() {
        for (String path : List.of("/.well-known/ssf-configuration", "/.well-known/ssf/jwks.json")) {
            given().get(path).then().statusCode(200);
            // a caller's token is neither needed nor passed on
            given().auth().oauth2(TenantTokens.token("contoso", "alice", "alice@contoso.example")).get(path)
                    .then().statusCode(200);
        }
        List<Map<String, Object>> requests = recorded();
        assertEquals(List.of("/.well-known/ssf-configuration", "/.well-known/ssf-configuration",
                "/.well-known/ssf/jwks.json", "/.well-known/ssf/jwks.json"),
                requests.stream().map(r -> r.get("path")).toList());
        requests.forEach(r -> assertNull(headers(r).get("authorization"), "no credential on a public document"));
        // other /.well-known paths are not proxied
        given().get("/.well-known/ssf/other").then().statusCode(404);
        assertEquals(4, recorded().size());
    }

    @Test
    void jwksAndHealthArePublic() {
        given().get("/.well-known/jwks.json").then().statusCode(200)
                .body("keys[0].kty", equalTo("RSA")).body("keys[0].alg", equalTo("RS256"));
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void serverSentEventsStreamThroughLive() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(gateway.resolve("/api/v1/audit/stream"))
                .header("Authorization", "Bearer " + TenantTokens.token("contoso", "auditor", "a@contoso.example",
                        "collab-auditor"))
                .header("Accept", "text/event-stream").header("Last-Event-ID", "7").build();
        HttpResponse<java.io.InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(),
                StandardCharsets.UTF_8))) {
            // the upstream holds its second event until released: the first must already be here
            CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> readDataLine(reader));
            assertEquals("data: {\"seq\":1}", first.get(10, TimeUnit.SECONDS));
            given().baseUri(TenantTokens.value("test.upstream.url")).post("/__release").then().statusCode(204);
            assertEquals("data: {\"seq\":2}", readDataLine(reader));
        }
        assertEquals(List.of("7"), headers(last()).get("last-event-id"));
    }

    private static String readDataLine(BufferedReader reader) {
        try {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("data:")) {
                    return line;
                }
            }
            return null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertRefused(String token) {
        given().auth().oauth2(token).get("/api/v1/invitations/1")
                .then().statusCode(401).contentType("application/problem+json").body("status", equalTo(401));
        assertTrue(recorded().isEmpty(), "a refused token must not reach a service");
    }

    static java.security.PublicKey jwksKey() {
        Map<String, Object> jwk = given().get("/.well-known/jwks.json").then().extract().jsonPath()
                .getMap("keys[0]");
        return Jwts.publicKey(jwk);
    }

    static List<Map<String, Object>> recorded() {
        return JsonPath.from(given().baseUri(TenantTokens.value("test.upstream.url")).get("/__recorded").asString())
                .getList("$");
    }

    static Map<String, Object> last() {
        List<Map<String, Object>> all = recorded();
        return all.get(all.size() - 1);
    }

    @SuppressWarnings("unchecked")
    static Map<String, List<String>> headers(Map<String, Object> request) {
        return (Map<String, List<String>>) request.get("headers");
    }

    static Duration patience() {
        return Duration.ofSeconds(20);
    }
}
