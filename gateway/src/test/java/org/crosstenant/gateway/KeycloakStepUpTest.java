package org.crosstenant.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.crosstenant.gateway.service.ClientTokens;
import org.crosstenant.gateway.support.Kafka;
import org.crosstenant.gateway.support.KeycloakRealmsTestResource;
import org.crosstenant.gateway.support.OidcRealmsTestResource;
import org.crosstenant.gateway.support.TenantTokens;
import org.crosstenant.gateway.support.UpstreamTestResource;
import org.crosstenant.gateway.support.ViewTopicsResource;
import org.crosstenant.stack.infra.KeycloakTokens;
import org.crosstenant.stack.infra.Totp;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Direct connect and MFA step-up (RFC 9470) against the real Keycloak of deploy/infra: fabrikam's bob reaches a
 * northwind application without invitation while both tenants' direct-connect settings admit him (by his Keycloak
 * group), is challenged with {@code insufficient_user_authentication} on an application that requires MFA until his
 * token carries the acr Keycloak issues only after a correct TOTP, and is admitted only once northwind accepts
 * fabrikam's MFA. (northwind, not contoso: the shared policy.events topic keeps contoso's settings of other classes.)
 * And shared applications admit people only: a real client-credentials token of a fabrikam client without any collab
 * role is refused where direct connect admits every fabrikam user, on the first request (OIDC) and from the cache.
 */
@QuarkusTest
@QuarkusTestResource(OidcRealmsTestResource.class)
@QuarkusTestResource(UpstreamTestResource.class)
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = KeycloakRealmsTestResource.class, restrictToAnnotatedClass = true)
class KeycloakStepUpTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String DIRECT_CONNECT_IN = """
            {"inbound": {"directConnect": {"usersAndGroups": {"access": "allowed", "targets": ["all"]},
                                           "applications": {"access": "allowed", "targets": ["all"]}},
                         "trust": {"mfaAccepted": %s, "compliantDeviceAccepted": false}}}""";
    /** fabrikam lets only its engineering group out by direct connect. */
    private static final String DIRECT_CONNECT_OUT = """
            {"outbound": {"directConnect": {"usersAndGroups": {"access": "allowed", "targets": [{"group": "engineering"}]},
                                            "applications": {"access": "allowed", "targets": ["all"]}}}}""";

    @Test
    void bobIsChallengedUntilHisTokenCarriesMfaThatNorthwindAccepts() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String secure = "secure-" + suffix;
        String plain = "plain-" + suffix;
        register(secure, true);
        register(plain, false);
        settings("northwind", "fabrikam", 1, DIRECT_CONNECT_IN.formatted(false));
        settings("fabrikam", "northwind", 1, DIRECT_CONNECT_OUT);

        String issuer = TenantTokens.value("test.keycloak.fabrikam");
        String bob = KeycloakTokens.passwordGrant(issuer, "crosstenant-cli", "bob", "bob-password");
        String carol = KeycloakTokens.passwordGrant(issuer, "crosstenant-cli", "carol", "carol-password");
        assertEquals("password", KeycloakTokens.claims(bob).path("acr").asText());

        // direct connect by group: bob (engineering) in, carol (sales) out; no MFA asserted without it
        await().atMost(PATIENCE).untilAsserted(() -> given().auth().oauth2(bob).get("/apps/northwind/" + plain + "/x")
                .then().statusCode(200));
        Map<String, Object> claims = AppAccessTest.federatedClaims(FederationTest.headers(FederationTest.last()));
        assertEquals(true, claims.get("direct_connect"));
        assertEquals(true, claims.get("guest"));
        assertFalse(claims.containsKey("acr"));
        given().auth().oauth2(carol).get("/apps/northwind/" + plain + "/x").then().statusCode(403)
                .contentType("application/problem+json");

        // the application requires MFA: bob's password-only token gets the RFC 9470 challenge, whose text never says
        // which of northwind's rules refused (trust off here): the same as for a token without MFA
        String shared = secure + " requires MFA that northwind accepts";
        await().atMost(PATIENCE).untilAsserted(() -> challenged(bob, secure, shared));

        // a correct TOTP gives acr mfa; northwind does not accept fabrikam's MFA yet: still challenged
        String stepped = KeycloakTokens.passwordAndOtpGrant(issuer, "crosstenant-cli-mfa", "bob", "bob-password",
                Totp.code(Totp.BOB_SECRET, Instant.now()));
        assertEquals("mfa", KeycloakTokens.claims(stepped).path("acr").asText());
        challenged(stepped, secure, shared);

        // northwind now trusts fabrikam's MFA: bob with the stepped-up token is admitted, the low one still is not
        settings("northwind", "fabrikam", 2, DIRECT_CONNECT_IN.formatted(true));
        await().atMost(PATIENCE).untilAsserted(() -> given().auth().oauth2(stepped)
                .get("/apps/northwind/" + secure + "/x").then().statusCode(200));
        Map<String, Object> trusted = AppAccessTest.federatedClaims(FederationTest.headers(FederationTest.last()));
        assertEquals("mfa", trusted.get("acr"), "trusted MFA is asserted to the application");
        assertEquals("northwind", trusted.get("resource_tenant"));
        challenged(bob, secure, shared);
    }

    /**
     * Keycloak 26's client-credentials token of fabrikam-reports (a service account with only the default roles)
     * carries the markers {@code ClientTokens} reads — checked here against the real server — and gets 403 at a
     * woodgrove application that direct connect opens to every fabrikam user, while bob gets 200. (woodgrove: a
     * resource tenant of this test alone, so the other test's northwind settings do not interfere.)
     */
    @Test
    void aMachineClientOfAnotherTenantIsRefusedWhereDirectConnectAdmitsEveryPerson() {
        String app = "open-" + UUID.randomUUID().toString().substring(0, 8);
        Kafka.produce("policy.events", "woodgrove/applications/" + app, ViewTopicsResource.REGISTERED,
                ViewTopicsResource.SOURCE_POLICY, """
                        {"tenant": "woodgrove", "application": "%s", "upstreamUrl": "%s", "version": 1,
                         "requireMfa": false, "registeredBy": {"tenant": "woodgrove", "subject": "w", "email": null},
                         "occurredAt": "%s"}""".formatted(app, TenantTokens.value("test.upstream.url") + "/app",
                        Instant.now()));
        String everyone = """
                {"usersAndGroups": {"access": "allowed", "targets": ["all"]},
                 "applications": {"access": "allowed", "targets": ["all"]}}""";
        settings("woodgrove", "fabrikam", 1, "{\"inbound\": {\"directConnect\": " + everyone + "}}");
        settings("fabrikam", "woodgrove", 1, "{\"outbound\": {\"directConnect\": " + everyone + "}}");
        String path = "/apps/woodgrove/" + app + "/x";

        String issuer = TenantTokens.value("test.keycloak.fabrikam");
        String bob = KeycloakTokens.passwordGrant(issuer, "crosstenant-cli", "bob", "bob-password");
        await().atMost(PATIENCE).untilAsserted(() -> given().auth().oauth2(bob).get(path).then().statusCode(200));
        // direct connect admits bob to every woodgrove application, yet an unregistered name answers the same 403 as
        // a refusal, never a 404 that would tell an outsider which names woodgrove has registered
        String refused = "You have no access to woodgrove/no-such-" + app;
        given().auth().oauth2(bob).get("/apps/woodgrove/no-such-" + app + "/x").then().statusCode(403)
                .contentType("application/problem+json").body("detail", equalTo(refused));

        String reports = KeycloakTokens.clientCredentials(issuer, "fabrikam-reports", "fabrikam-reports-secret");
        var claims = KeycloakTokens.claims(reports);
        // what Keycloak 26 really writes into a client's own token of the demo realms (imported clients get no
        // service_account client scope, so no client_id claim): the service account's user name is the marker
        assertEquals("service-account-fabrikam-reports", claims.path("preferred_username").asText(), claims.toString());
        assertEquals("fabrikam-reports", ClientTokens.clientOf(text(claims, "client_id"), text(claims, "clientId"),
                text(claims, "preferred_username")), claims.toString());
        assertFalse(claims.path("realm_access").path("roles").toString().contains("collab-"),
                "no collab role: only the token says it is a machine " + claims);
        var person = KeycloakTokens.claims(bob);
        assertNull(ClientTokens.clientOf(text(person, "client_id"), text(person, "clientId"),
                text(person, "preferred_username")), "a person's token carries no marker: " + person);

        // the first request is verified by OIDC, the second comes from the verified-token cache: both refused
        double hits = AppsCachedAuthenticationTest.homeCacheHits();
        for (int i = 0; i < 2; i++) {
            given().auth().oauth2(reports).get(path).then().statusCode(403).contentType("application/problem+json")
                    .body("status", equalTo(403));
        }
        assertTrue(AppsCachedAuthenticationTest.homeCacheHits() > hits, "the second request came from the cache");
        given().auth().oauth2(bob).get(path).then().statusCode(200);
    }

    private static String text(com.fasterxml.jackson.databind.JsonNode claims, String name) {
        return claims.path(name).isTextual() ? claims.path(name).asText() : null;
    }

    private static void challenged(String token, String app, String detail) {
        String challenge = given().auth().oauth2(token).get("/apps/northwind/" + app + "/x").then().statusCode(401)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:crosstenant:problem:insufficient-user-authentication"))
                .body("detail", equalTo(detail))
                .extract().header("WWW-Authenticate");
        assertTrue(challenge.startsWith("Bearer error=\"insufficient_user_authentication\", error_description=\""
                + detail + "\""), challenge);
        assertTrue(challenge.endsWith(", acr_values=\"mfa\""), challenge);
    }

    private static void register(String app, boolean requireMfa) {
        Kafka.produce("policy.events", "northwind/applications/" + app, ViewTopicsResource.REGISTERED,
                ViewTopicsResource.SOURCE_POLICY, """
                        {"tenant": "northwind", "application": "%s", "upstreamUrl": "%s", "version": 1,
                         "requireMfa": %s, "registeredBy": {"tenant": "northwind", "subject": "n", "email": null},
                         "occurredAt": "%s"}""".formatted(app, TenantTokens.value("test.upstream.url") + "/app",
                        requireMfa, Instant.now()));
    }

    private static void settings(String tenant, String partner, int version, String effective) {
        Kafka.produce("policy.events", tenant + "/partners/" + partner, ViewTopicsResource.SETTINGS_CHANGED_V2,
                ViewTopicsResource.SOURCE_POLICY, ViewTopicsResource.settings(tenant, partner, version, effective));
    }

}
