package org.crosstenant.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

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

        // the application requires MFA: bob's password-only token gets the RFC 9470 challenge (which says that
        // northwind does not accept fabrikam's MFA yet: stepping up alone will not help)
        await().atMost(PATIENCE).untilAsserted(() -> challenged(bob, secure, "does not accept fabrikam's MFA"));

        // a correct TOTP gives acr mfa; northwind does not accept fabrikam's MFA yet: still challenged
        String stepped = KeycloakTokens.passwordAndOtpGrant(issuer, "crosstenant-cli-mfa", "bob", "bob-password",
                Totp.code(Totp.BOB_SECRET, Instant.now()));
        assertEquals("mfa", KeycloakTokens.claims(stepped).path("acr").asText());
        challenged(stepped, secure, "does not accept fabrikam");

        // northwind now trusts fabrikam's MFA: bob with the stepped-up token is admitted, the low one still is not
        settings("northwind", "fabrikam", 2, DIRECT_CONNECT_IN.formatted(true));
        await().atMost(PATIENCE).untilAsserted(() -> given().auth().oauth2(stepped)
                .get("/apps/northwind/" + secure + "/x").then().statusCode(200));
        Map<String, Object> trusted = AppAccessTest.federatedClaims(FederationTest.headers(FederationTest.last()));
        assertEquals("mfa", trusted.get("acr"), "trusted MFA is asserted to the application");
        assertEquals("northwind", trusted.get("resource_tenant"));
        challenged(bob, secure, "sign in at fabrikam");
    }

    private static void challenged(String token, String app, String detail) {
        String challenge = given().auth().oauth2(token).get("/apps/northwind/" + app + "/x").then().statusCode(401)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:crosstenant:problem:insufficient-user-authentication"))
                .body("detail", containsString(detail))
                .extract().header("WWW-Authenticate");
        assertTrue(challenge.startsWith("Bearer error=\"insufficient_user_authentication\", error_description=\""),
                challenge);
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
