package org.crosstenant.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.crosstenant.gateway.messaging.ViewProgress;
import org.crosstenant.gateway.support.Jwts;
import org.crosstenant.gateway.support.Kafka;
import org.crosstenant.gateway.support.OidcRealmsTestResource;
import org.crosstenant.gateway.support.TenantTokens;
import org.crosstenant.gateway.support.UpstreamTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;

/** /apps access driven by the Kafka-fed view: registration, member, guest grant, revocation, access events. */
@QuarkusTest
@QuarkusTestResource(OidcRealmsTestResource.class)
@QuarkusTestResource(UpstreamTestResource.class)
@QuarkusTestResource(KafkaTestResource.class)
class AppAccessTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    // generous: on a loaded 2-core machine the first replay after a start has been seen to take over 30 s
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @Test
    void membersAndGuestsWithAGrantGetInOthersDoNotAndRevocationEndsAccessWithinSeconds() throws Exception {
        String app = "projects-" + UUID.randomUUID().toString().substring(0, 8);
        String alice = TenantTokens.token("contoso", "alice-sub", "alice@contoso.example", "collab-admin");
        String bobSubject = "bob-" + UUID.randomUUID();
        String bob = TenantTokens.token("fabrikam", bobSubject, "bob@fabrikam.example", "collab-admin");
        String path = "/apps/contoso/" + app + "/boards/42";

        // not registered yet: 404 for a member, the same 403 as for a registered app for an outsider
        given().auth().oauth2(alice).get(path).then().statusCode(404).contentType("application/problem+json");
        String unregisteredDenial = given().auth().oauth2(bob).get(path).then().statusCode(403)
                .contentType("application/problem+json").extract().path("detail");

        registerApplication("contoso", app, TenantTokens.value("test.upstream.url") + "/app");
        await().atMost(PATIENCE).untilAsserted(() -> given().auth().oauth2(alice).get(path).then().statusCode(200));

        // member: proxied with the prefix stripped and an application-scoped federated token
        given().baseUri(TenantTokens.value("test.upstream.url")).delete("/__recorded");
        given().auth().oauth2(alice).cookie("contoso." + app + ".theme", "dark").cookie("theme", "light")
                .cookie("contoso." + app + ".stolen", alice)
                .header("X-Forwarded-Host", "evil.example").header("X-Forwarded-For", "1.2.3.4")
                .header("Forwarded", "host=evil.example").header("X-Real-IP", "1.2.3.4")
                .header("X-Original-URL", "/secrets")
                .header("Crosstenant-Enforced", "true").header("Crosstenant-View-Events", UUID.randomUUID().toString())
                .header("Crosstenant_Enforced", "true").header("X_Forwarded_For", "6.6.6.6").header("X_Real_IP", "6.6.6.6")
                .header("Client-IP", "6.6.6.6").header("X_Remote_User", "admin").header("X-Ms-Client-Principal", "x")
                .queryParam("view", "list").get(path)
                .then().statusCode(200).body("upstreamPath", equalTo("/app/boards/42"));
        Map<String, Object> request = FederationTest.last();
        assertEquals("view=list", request.get("query"));
        Map<String, List<String>> headers = FederationTest.headers(request);
        assertFalse(headers.toString().contains(alice), "the caller's token must not reach the application");
        assertEquals(List.of("theme=dark"), headers.get("cookie"),
                "the application's own cookies pass, prefix stripped; the token cookie and others' do not");
        for (String claim : List.of("forwarded", "x-real-ip", "x-original-url", "crosstenant-enforced",
                "crosstenant-view-events", "crosstenant_enforced", "x_forwarded_for", "x_real_ip", "client-ip",
                "x_remote_user", "x-ms-client-principal")) {
            assertNull(headers.get(claim), "the caller's own " + claim + " is not passed on");
        }
        assertEquals(List.of("127.0.0.1"), headers.get("x-forwarded-for"), "the peer the gateway saw, not 1.2.3.4");
        assertFalse(headers.get("x-forwarded-host").contains("evil.example"));
        assertEquals(List.of("/apps/contoso/" + app), headers.get("x-forwarded-prefix"));
        Map<String, Object> memberClaims = federatedClaims(headers);
        assertEquals("contoso/" + app, memberClaims.get("aud"));
        assertEquals(false, memberClaims.get("guest"));
        assertEquals("contoso", memberClaims.get("resource_tenant"));
        assertEquals("contoso", memberClaims.get("tenant"));
        assertEquals(List.of("collab-admin"), memberClaims.get("groups"));

        // guest without a grant: 403, indistinguishable from an unregistered application
        given().auth().oauth2(bob).get(path).then().statusCode(403).contentType("application/problem+json")
                .body("status", equalTo(403)).body("detail", equalTo(unregisteredDenial));

        // carol's grant has already expired; sent with the key of bob's invitation so it is applied before it
        String carolSubject = "carol-" + UUID.randomUUID();
        String invitation = UUID.randomUUID().toString();
        redeem(UUID.randomUUID().toString(), invitation, app, carolSubject, Instant.now().minusSeconds(60));
        // bob's redeemed invitation: allowed as guest
        redeem(invitation, invitation, app, bobSubject, Instant.now().plus(Duration.ofDays(30)));
        await().atMost(PATIENCE).untilAsserted(() -> given().auth().oauth2(bob).get(path).then().statusCode(200));
        Map<String, Object> guestClaims = federatedClaims(FederationTest.headers(FederationTest.last()));
        assertEquals(true, guestClaims.get("guest"));
        assertEquals("fabrikam", guestClaims.get("tenant"));
        assertEquals("contoso", guestClaims.get("resource_tenant"));
        assertEquals(bobSubject, guestClaims.get("home_sub"));
        assertEquals(new org.crosstenant.gateway.model.FederatedIdentity("fabrikam", null, bobSubject, null, null)
                .federatedSubject(), guestClaims.get("sub"));
        assertEquals(TenantTokens.issuer("fabrikam"), guestClaims.get("issuer"));
        assertEquals(List.of(), guestClaims.get("groups"), "bob's fabrikam collab-admin is no role at contoso");

        given().auth().oauth2(TenantTokens.token("fabrikam", carolSubject, "carol@fabrikam.example")).get(path)
                .then().statusCode(403);
        // another fabrikam user gets nothing from bob's grant
        given().auth().oauth2(TenantTokens.token("fabrikam", "eve", "eve@fabrikam.example")).get(path)
                .then().statusCode(403);

        // revoked: 403 within seconds
        Kafka.produce("invitations.events", invitation, "org.crosstenant.invitation.revoked.v1",
                "/crosstenant/invitation", revokedPayload(invitation, app, bobSubject));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> given().auth().oauth2(bob).get(path).then().statusCode(403));

        // the decisions were published to gateway.access
        await().atMost(PATIENCE).untilAsserted(() -> {
            List<ConsumerRecord<String, String>> events = Kafka.readAll("gateway.access").stream()
                    .filter(r -> r.value().contains("\"" + app + "\"")).toList();
            assertTrue(events.stream().anyMatch(r -> "org.crosstenant.gateway.access-allowed.v1"
                    .equals(Kafka.header(r, "ce_type")) && r.value().contains("\"homeTenant\":\"fabrikam\"")));
            assertTrue(events.stream().anyMatch(r -> "org.crosstenant.gateway.access-denied.v1"
                    .equals(Kafka.header(r, "ce_type")) && r.value().contains("\"homeTenant\":\"fabrikam\"")));
            for (ConsumerRecord<String, String> event : events) {
                JsonNode payload = JSON.readTree(event.value());
                String type = Kafka.header(event, "ce_type");
                assertEquals(fieldNames(example(type)), fieldNames(payload), "same fields as the example of " + type);
                assertEquals("contoso:" + payload.get("homeTenant").asText(), event.key());
                assertEquals("/crosstenant/gateway", Kafka.header(event, "ce_source"));
                assertEquals("1.0", Kafka.header(event, "ce_specversion"));
                assertTrue(Kafka.header(event, "ce_id") != null && Kafka.header(event, "ce_time") != null);
                assertTrue(Kafka.header(event, "content-type").startsWith("application/json"));
                assertFalse(event.value().startsWith("\""), "the value is the JSON payload, not a JSON string");
            }
        });
    }

    @Test
    void appsAnswer503UntilTheViewHasCaughtUp() {
        String app = "early-" + UUID.randomUUID().toString().substring(0, 8);
        registerApplication("contoso", app, TenantTokens.value("test.upstream.url") + "/app");
        String alice = TenantTokens.token("contoso", "alice-sub", "alice@contoso.example");
        String path = "/apps/contoso/" + app + "/x";
        await().atMost(PATIENCE).untilAsserted(() -> given().auth().oauth2(alice).get(path).then().statusCode(200));

        QuarkusMock.installMockForType(new ViewProgress() {
            @Override
            public boolean caughtUp(Set<String> channels) {
                return false; // as right after a restart, before revocations are replayed
            }
        }, ViewProgress.class);
        for (String method : List.of("GET", "POST", "DELETE")) {
            given().auth().oauth2(alice).request(method, path).then().statusCode(503)
                    .contentType("application/problem+json").header("Retry-After", "1")
                    .body("status", equalTo(503));
        }
    }

    @BeforeEach
    void viewCaughtUp() {
        theViewReportsReadyOnceCaughtUp();
    }

    @Test
    void unreachableApplicationIsA503ProblemSayingTheRequestWasNotSent() {
        String app = "down-" + UUID.randomUUID().toString().substring(0, 8);
        registerApplication("contoso", app, "http://127.0.0.1:" + org.crosstenant.stack.infra.FreePorts.pick());
        String alice = TenantTokens.token("contoso", "alice-sub", "alice@contoso.example");
        // nothing listens there: no connection, so nothing was sent and a retry is safe (even a POST)
        await().atMost(PATIENCE).untilAsserted(() -> given().auth().oauth2(alice).body("{}").contentType("application/json")
                .post("/apps/contoso/" + app + "/x")
                .then().statusCode(503).contentType("application/problem+json").header("Retry-After", "1")
                .body("type", equalTo("urn:crosstenant:problem:upstream-unavailable"))
                .body("status", equalTo(503)));
    }

    @Test
    void theViewReportsReadyOnceCaughtUp() {
        await().atMost(PATIENCE).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'gateway-local-view' }.status", equalTo("UP")));
    }

    @Test
    void anAppsRequestWithoutATokenIsA401NotAnAccessDecision() {
        given().get("/apps/contoso/anything/x").then().statusCode(401).contentType("application/problem+json");
    }

    static void registerApplication(String tenant, String app, String upstreamUrl) {
        Kafka.produce("policy.events", tenant, "org.crosstenant.policy.application-registered.v1",
                "/crosstenant/policy", """
                        {"tenant": "%s", "application": "%s", "upstreamUrl": "%s", "version": 1,
                         "registeredBy": {"tenant": "%s", "subject": "alice", "email": "alice@contoso.example"},
                         "occurredAt": "%s"}""".formatted(tenant, app, upstreamUrl, tenant, Instant.now()));
    }

    private static void redeem(String invitation, String key, String app, String subject, Instant grantExpiresAt) {
        Kafka.allowCollaboration("contoso", "fabrikam"); // a grant admits only while both tenants' settings do
        Kafka.produce("invitations.events", key, "org.crosstenant.invitation.redeemed.v1",
                "/crosstenant/invitation", """
                        {"invitationId": "%s", "resourceTenant": "contoso", "application": "%s",
                         "invitee": {"tenant": "fabrikam", "email": "bob@fabrikam.example"},
                         "guest": {"tenant": "fabrikam", "issuer": "%s", "subject": "%s", "email": "bob@fabrikam.example"},
                         "grantExpiresAt": "%s", "occurredAt": "%s"}"""
                        .formatted(invitation, app, TenantTokens.issuer("fabrikam"), subject, grantExpiresAt,
                                Instant.now()));
    }

    private static String revokedPayload(String invitation, String app, String subject) {
        return """
                {"invitationId": "%s", "resourceTenant": "contoso", "application": "%s",
                 "invitee": {"tenant": "fabrikam", "email": "bob@fabrikam.example"},
                 "guest": {"tenant": "fabrikam", "issuer": "x", "subject": "%s", "email": "bob@fabrikam.example"},
                 "revokedBy": {"tenant": "contoso", "subject": "alice", "email": "alice@contoso.example"},
                 "occurredAt": "%s"}""".formatted(invitation, app, subject, Instant.now());
    }

    static Map<String, Object> federatedClaims(Map<String, List<String>> headers) {
        String federated = headers.get("authorization").get(0).substring("Bearer ".length());
        assertTrue(Jwts.verifies(federated, FederationTest.jwksKey()));
        Map<String, Object> claims = Jwts.claims(federated);
        assertEquals("crosstenant-gateway", claims.get("iss"));
        assertNull(headers.get("x-forwarded-access-token"));
        return claims;
    }

    private static JsonNode example(String type) throws Exception {
        return JSON.readTree(Files.readString(Path.of("src/main/resources/events/" + type + ".json")));
    }

    private static TreeSet<String> fieldNames(JsonNode node) {
        TreeSet<String> names = new TreeSet<>();
        Iterator<String> it = node.fieldNames();
        it.forEachRemaining(names::add);
        return names;
    }
}
