package org.crosstenant.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
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

/**
 * Path smuggling through /apps and /api: what a decoding upstream (nginx) would read differently from the gateway is
 * refused with 400 problem+json and never reaches the upstream nor the audit; legitimate encodings pass through
 * byte for byte, and the audited path is the one served. Requests are written on a raw socket so that no client
 * library normalises them first.
 */
@QuarkusTest
@QuarkusTestResource(OidcRealmsTestResource.class)
@QuarkusTestResource(UpstreamTestResource.class)
@QuarkusTestResource(KafkaTestResource.class)
class PathSmugglingTest {

    @TestHTTPResource("/")
    URI gateway;

    @Test
    void aGuestCannotReachOutsideTheRegisteredUpstreamPathByAnyEncoding() throws Exception {
        String app = "contoso-projects-" + UUID.randomUUID().toString().substring(0, 8);
        String bobSubject = "bob-" + UUID.randomUUID();
        String bob = TenantTokens.token("fabrikam", bobSubject, "bob@fabrikam.example");
        registerApplication(app, TenantTokens.value("test.upstream.url") + "/projects");
        redeem(UUID.randomUUID().toString(), app, bobSubject);
        String prefix = "/apps/contoso/" + app;
        await().atMost(Duration.ofSeconds(30))
                .until(() -> RawHttp.get(gateway, prefix + "/ready", bob).status() == 200);

        clearUpstream();
        List<String> smuggled = List.of(
                prefix + "/..%2Fsecrets/x", // the input
                prefix + "/..%2fsecrets/x", // mixed case
                prefix + "/..%252Fsecrets/x", // double encoding
                prefix + "/..%25252Fsecrets/x", // triple encoding
                prefix + "/..%5Csecrets/x", prefix + "/..%255csecrets/x", // encoded backslash, single and double
                prefix + "/%2E%2E/secrets/x", prefix + "/.%2e/secrets/x", prefix + "/%252E%252E/secrets/x",
                prefix + "/..;/secrets/x", prefix + "/..%3B/secrets/x", // servlet path-parameter dot segments
                prefix + "/x%00.html", prefix + "/x%2500.html", prefix + "/x%0D%0AX-Injected:%201"); // NUL, CRLF
        List<String> notRefused = new ArrayList<>();
        for (String target : smuggled) {
            RawHttp.Response response = RawHttp.get(gateway, target, bob);
            if (response.status() != 400 || !response.headers().getOrDefault("content-type", "")
                    .startsWith("application/problem+json") || !response.body().contains("\"status\":400")) {
                notRefused.add(target + " -> " + response.status() + " " + response.body());
            }
        }
        assertEquals(List.of(), notRefused, "every smuggling attempt is a 400 problem+json");
        // not even a URI (RFC 3986): Quarkus' HTTP layer answers 400 (without a body) before any route runs
        for (String target : List.of(prefix + "/..\\secrets/x", prefix + "/x%zz", prefix + "/x%")) {
            assertEquals(400, RawHttp.get(gateway, target, bob).status(), target);
        }
        assertEquals(List.of(), FederationTest.recorded(), "nothing malformed reached the upstream");
        assertEquals(List.of(), FederationTest.recorded(), "nothing smuggled reached the upstream");

        // legitimate encodings pass, forwarded byte for byte below the registered upstream path; a new federated
        // session (own sid) so that this request opens an access-audit window and its event carries this path
        Map<String, Object> sessionClaims = TenantTokens.claims("fabrikam", bobSubject, "bob@fabrikam.example");
        sessionClaims.put("sid", "legit-" + UUID.randomUUID());
        String bobInANewSession = TenantTokens.signedBy("fabrikam", sessionClaims);
        RawHttp.Response ok = RawHttp.get(gateway, prefix + "/boards/a%20b", bobInANewSession);
        assertEquals(200, ok.status(), ok.body());
        Map<String, Object> served = FederationTest.last();
        assertEquals("/projects/boards/a%20b", served.get("rawPath"));
        assertEquals("/projects/boards/a b", served.get("path"));

        // the audit holds the path actually served, and nothing of the refused requests
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<ConsumerRecord<String, String>> events = Kafka.readAll("gateway.access").stream()
                    .filter(r -> r.value().contains("\"" + app + "\"")).toList();
            assertTrue(events.stream().anyMatch(r -> r.value().contains("\"path\":\"" + prefix + "/boards/a%20b\"")),
                    events.toString());
            assertFalse(events.stream().anyMatch(r -> r.value().contains("secrets")), events.toString());
        });
    }

    @Test
    void apiPathsAreCheckedAndRoutedAsSent() {
        String alice = TenantTokens.token("contoso", "alice", "alice@contoso.example", "collab-admin");
        clearUpstream();
        for (String target : List.of("/api/v1/invitations/..%2F..%2Faudit/records",
                "/api/v1/invitations/%2e%2e/%2e%2e/audit/records", "/api/v1/invitations/x%252Fy",
                "/api/v1/invitations/x%5Cy",
                // a fragment would cut the query off at the forwarding URL parser, path parameters would be dropped
                // by the service's framework: either would turn ?dryRun=true into a real change
                "/api/v1/invitations/1/revoke#?dryRun=true", "/api/v1/invitations/1/revoke?x=1#y",
                "/api/v1/invitations/1/revoke;dryRun=true", "/api/v1/invitations;x=1/1")) {
            RawHttp.Response response = RawHttp.get(gateway, target, alice);
            assertEquals(400, response.status(), target + " " + response.body());
            assertTrue(response.headers().get("content-type").startsWith("application/problem+json"), target);
        }
        // routed on the path as sent: a service cannot be reached under a spelling the routing table does not know
        assertEquals(404, RawHttp.get(gateway, "/api/v1/%69nvitations/1", alice).status());
        assertEquals(List.of(), FederationTest.recorded());

        RawHttp.Response ok = RawHttp.get(gateway, "/api/v1/invitations/a%20b", alice);
        assertEquals(200, ok.status(), ok.body());
        assertEquals("/api/v1/invitations/a%20b", FederationTest.last().get("rawPath"));
    }

    @Test
    void aRequestWithoutATokenIsStillA401WhateverItsPath() {
        assertEquals(401, RawHttp.get(gateway, "/apps/contoso/x/..%2Fsecrets", null).status());
    }

    private static void clearUpstream() {
        given().baseUri(TenantTokens.value("test.upstream.url")).delete("/__recorded").then().statusCode(200);
    }

    static void registerApplication(String app, String upstreamUrl) {
        Kafka.produce("policy.events", "contoso", "org.crosstenant.policy.application-registered.v1",
                "/crosstenant/policy", """
                        {"tenant": "contoso", "application": "%s", "upstreamUrl": "%s", "version": 1,
                         "registeredBy": {"tenant": "contoso", "subject": "alice", "email": "alice@contoso.example"},
                         "occurredAt": "%s"}""".formatted(app, upstreamUrl, Instant.now()));
    }

    static String redeemedPayload(String invitation, String app, String subject) {
        return """
                {"invitationId": "%s", "resourceTenant": "contoso", "application": "%s",
                 "invitee": {"tenant": "fabrikam", "email": "bob@fabrikam.example"},
                 "guest": {"tenant": "fabrikam", "issuer": "%s", "subject": "%s", "email": "bob@fabrikam.example"},
                 "grantExpiresAt": "%s", "occurredAt": "%s"}"""
                .formatted(invitation, app, TenantTokens.issuer("fabrikam"), subject,
                        Instant.now().plus(Duration.ofDays(1)), Instant.now());
    }

    static void redeem(String invitation, String app, String subject) {
        Kafka.allowCollaboration("contoso", "fabrikam"); // a grant admits only while both tenants' settings do
        Kafka.produce("invitations.events", invitation, "org.crosstenant.invitation.redeemed.v1",
                "/crosstenant/invitation", redeemedPayload(invitation, app, subject));
    }
}
