package org.crosstenant.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import org.crosstenant.stack.DemoUpstream;
import org.crosstenant.stack.LocalStack;
import org.crosstenant.stack.StackSettings;
import org.crosstenant.stack.infra.KeycloakTokens;
import org.crosstenant.stack.infra.Totp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The walk of issue #7 (cross-tenant access settings, complete) against the real stack, through the gateway only:
 * a default configuration and a partner configuration inheriting part of it, direct connect both ways, an application
 * that requires MFA (real Keycloak, real OTP step), invitation rules (deny-listed domain, the tenant registry, admin
 * approval) and optimistic concurrency on settings. The steps build on each other and run in order on one stack.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AccessSettingsWalkIT {

    private static final String APP = "contoso-projects";
    private static final String FINANCE = DemoUpstream.FINANCE;
    private static final Duration FLOW = Duration.ofSeconds(30);
    private static final String CONTOSO_DEFAULT = "/api/v1/tenants/contoso/access-settings/default";
    private static final String CONTOSO_FOR_FABRIKAM = "/api/v1/tenants/contoso/access-settings/partners/fabrikam";
    private static final String FABRIKAM_FOR_CONTOSO = "/api/v1/tenants/fabrikam/access-settings/partners/contoso";

    private LocalStack stack;
    private Gateway gateway;
    private String alice, frank, carol, partner;

    @BeforeAll
    void startTheStack() throws Exception {
        Path repoRoot = Path.of(System.getProperty("crosstenant.repo.root", "../..")).toAbsolutePath().normalize();
        Path home = Files.createTempDirectory("crosstenant-e2e-settings");
        StackSettings settings = new StackSettings(repoRoot, home, StackSettings.Ports.free(), null, true);
        stack = LocalStack.start(settings, message -> System.out.println("[e2e settings stack] " + message));
        gateway = new Gateway(settings.gatewayUrl());
        alice = password("contoso", "alice");
        frank = password("fabrikam", "frank");
        carol = password("fabrikam", "carol");
        partner = KeycloakTokens.clientCredentials(settings.issuer("fabrikam"), "fabrikam-partner", "fabrikam-partner-secret");
    }

    @AfterAll
    void stopTheStack() {
        StackProcesses.closeAndCheck(stack);
    }

    @Test
    @Order(1)
    void aTenantStartsSecureByDefault() {
        Gateway.Answer shipped = gateway.get(CONTOSO_DEFAULT, alice);
        assertEquals(200, shipped.status(), shipped.toString());
        assertNotNull(shipped.header("ETag"), "every read carries an ETag");
        JsonNode effective = gateway.get(CONTOSO_FOR_FABRIKAM + "/effective", alice).json();
        for (String pointer : List.of("/inbound/collaboration/usersAndGroups", "/inbound/directConnect/usersAndGroups",
                "/outbound/collaboration/usersAndGroups", "/outbound/directConnect/usersAndGroups")) {
            assertEquals("blocked", effective.path("settings").at(pointer).path("access").asText(), pointer + ": " + effective);
            assertEquals("built-in", effective.path("sources").path(pointer).asText(), pointer + ": " + effective);
        }
    }

    @Test
    @Order(2)
    void contosoSetsADefaultAndAFabrikamConfigurationThatInheritsPartOfIt() {
        assertEquals(200, gateway.put("/api/v1/tenants/contoso/applications/" + APP, alice,
                Map.of("upstreamUrl", stack.settings().demoUpstreamUrl(), "displayName", "Contoso projects")).status());
        assertEquals(200, gateway.put("/api/v1/tenants/contoso/applications/" + FINANCE, alice,
                Map.of("upstreamUrl", stack.settings().demoUpstreamUrl() + DemoUpstream.FINANCE_PATH,
                        "displayName", "Contoso finance", "requireMfa", true)).status());

        // default: direct connect in for everyone to both applications, collaboration in for contoso-projects,
        // invitations from one Fabrikam domain refused
        Map<String, Object> defaults = Map.of(
                "inbound", Map.of(
                        "collaboration", rules(List.of("all"), List.of(APP)),
                        "directConnect", rules(List.of("all"), List.of(APP, FINANCE))),
                "invitations", Map.of("domains", Map.of("access", "blocked", "targets", List.of("fabrikam-labs.example"))));
        Gateway.Answer put = gateway.put(CONTOSO_DEFAULT, alice, defaults);
        assertEquals(200, put.status(), put.toString());

        // Fabrikam's configuration only asks for approval; everything else comes from the default
        Gateway.Answer partnerPut = gateway.put(CONTOSO_FOR_FABRIKAM, alice, Map.of("invitations", Map.of("approvalRequired", true)));
        assertEquals(200, partnerPut.status(), partnerPut.toString());

        JsonNode effective = gateway.get(CONTOSO_FOR_FABRIKAM + "/effective", alice).json();
        assertEquals("default", effective.path("sources").path("/inbound/directConnect/usersAndGroups").asText(), effective.toString());
        assertEquals("partner", effective.path("sources").path("/invitations/approvalRequired").asText(), effective.toString());
        assertEquals("built-in", effective.path("sources").path("/outbound/collaboration/usersAndGroups").asText(), effective.toString());
        assertTrue(effective.path("settings").at("/invitations/approvalRequired").asBoolean(), effective.toString());
        assertEquals("allowed", effective.path("settings").at("/inbound/directConnect/usersAndGroups/access").asText());
    }

    @Test
    @Order(3)
    void aStaleIfMatchIsRefusedAndHistoryTellsWhoChangedWhat() {
        Gateway.Answer current = gateway.get(CONTOSO_DEFAULT, alice);
        String etag = current.header("ETag");
        Map<String, Object> body = Map.of("inbound", Map.of(
                "collaboration", rules(List.of("all"), List.of(APP)),
                "directConnect", rules(List.of("all"), List.of(APP, FINANCE))),
                "invitations", Map.of("domains", Map.of("access", "blocked",
                        "targets", List.of("fabrikam-labs.example", "globex.example"))));
        Gateway.Answer fresh = gateway.send(gateway.request(CONTOSO_DEFAULT, alice).header("Content-Type", "application/json")
                .header("If-Match", etag).PUT(HttpRequest.BodyPublishers.ofString(Gateway.write(body))).build());
        assertEquals(200, fresh.status(), fresh.toString());
        assertNotEquals(etag, fresh.header("ETag"), "a write makes a new version");

        Gateway.Answer stale = gateway.send(gateway.request(CONTOSO_DEFAULT, alice).header("Content-Type", "application/json")
                .header("If-Match", etag).PUT(HttpRequest.BodyPublishers.ofString(Gateway.write(body))).build());
        assertEquals(412, stale.status(), stale.toString());
        assertTrue(String.valueOf(stale.contentType()).startsWith("application/problem+json"), stale.toString());

        JsonNode history = gateway.get(CONTOSO_DEFAULT + "/history", alice).json();
        JsonNode first = history.path("entries").get(0);
        assertNotNull(first, history.toString());
        assertEquals("contoso", first.path("changedBy").path("tenant").asText(), history.toString());
        assertTrue(first.path("changes").size() > 0, "history says what changed: " + history);
    }

    @Test
    @Order(4)
    void directConnectLetsCarolInWhileBothSidesAllowIt() {
        String path = "/apps/contoso/" + APP + "/";
        assertEquals(403, gateway.get(path, carol).status(), "fabrikam's outbound direct connect is still the built-in block");
        Gateway.Answer out = gateway.put(FABRIKAM_FOR_CONTOSO, frank, Map.of("outbound", Map.of(
                "directConnect", rules(List.of("all"), List.of("all")))));
        assertEquals(200, out.status(), out.toString());
        await().atMost(FLOW).pollInterval(Duration.ofMillis(200)).until(() -> gateway.get(path, carol).status() == 200);
        JsonNode identity = gateway.get(path, carol).json().path("identity");
        assertEquals("fabrikam", identity.path("homeTenant").asText(), identity.toString());
    }

    @Test
    @Order(5)
    void directConnectStopsWhenEitherSideBlocks() {
        String path = "/apps/contoso/" + APP + "/";
        String etag = gateway.get(FABRIKAM_FOR_CONTOSO, frank).header("ETag");
        Gateway.Answer blocked = gateway.send(gateway.request(FABRIKAM_FOR_CONTOSO, frank).header("Content-Type", "application/json")
                .header("If-Match", etag).PUT(HttpRequest.BodyPublishers.ofString(Gateway.write(Map.of("outbound", Map.of(
                        "directConnect", Map.of("usersAndGroups", Map.of("access", "blocked",
                                        "targets", List.of(Map.of("user", "carol@fabrikam.example"))),
                                "applications", Map.of("access", "allowed", "targets", List.of("all")))))))).build());
        assertEquals(200, blocked.status(), blocked.toString());
        await().atMost(FLOW).pollInterval(Duration.ofMillis(200)).until(() -> gateway.get(path, carol).status() == 403);

        // fabrikam lets her out again; now contoso's side blocks her application
        assertEquals(200, gateway.put(FABRIKAM_FOR_CONTOSO, frank, Map.of("outbound", Map.of(
                "directConnect", rules(List.of("all"), List.of("all"))))).status());
        await().atMost(FLOW).pollInterval(Duration.ofMillis(200)).until(() -> gateway.get(path, carol).status() == 200);
        assertEquals(200, gateway.put(CONTOSO_FOR_FABRIKAM, alice, Map.of(
                "inbound", Map.of("directConnect", Map.of(
                        "usersAndGroups", Map.of("access", "allowed", "targets", List.of("all")),
                        "applications", Map.of("access", "allowed", "targets", List.of(FINANCE)))),
                "invitations", Map.of("approvalRequired", true))).status());
        await().atMost(FLOW).pollInterval(Duration.ofMillis(200)).until(() -> gateway.get(path, carol).status() == 403);
    }

    @Test
    @Order(6)
    void anApplicationRequiringMfaChallengesUntilTheTokenCarriesItAndContosoTrustsIt() {
        String path = "/apps/contoso/" + FINANCE + "/";
        String bobPassword = password("fabrikam", "bob");
        Gateway.Answer challenged = gateway.get(path, bobPassword);
        assertEquals(401, challenged.status(), challenged.toString());
        String challenge = String.valueOf(challenged.header("WWW-Authenticate"));
        assertTrue(challenge.contains("error=\"insufficient_user_authentication\"") && challenge.contains("acr_values="),
                "RFC 9470 challenge: " + challenge);

        // the same user after Keycloak's OTP step (a real TOTP code from his credential's secret)
        String bobWithOtp = KeycloakTokens.passwordAndOtpGrant(stack.settings().issuer("fabrikam"), "crosstenant-cli-mfa",
                "bob", "bob-password", Totp.code(Totp.BOB_SECRET, Instant.now()));
        assertEquals("mfa", KeycloakTokens.claims(bobWithOtp).path("acr").asText(), "keycloak stepped bob up");
        Gateway.Answer untrusted = gateway.get(path, bobWithOtp);
        assertEquals(401, untrusted.status(), "contoso does not trust fabrikam's MFA yet: " + untrusted);
        assertTrue(String.valueOf(untrusted.header("WWW-Authenticate")).contains("insufficient_user_authentication"),
                "a step-up challenge, not a refused token: " + untrusted);

        assertEquals(200, gateway.put(CONTOSO_FOR_FABRIKAM, alice, Map.of(
                "inbound", Map.of(
                        "directConnect", Map.of(
                                "usersAndGroups", Map.of("access", "allowed", "targets", List.of("all")),
                                "applications", Map.of("access", "allowed", "targets", List.of(FINANCE))),
                        "trust", Map.of("mfaAccepted", true)),
                "invitations", Map.of("approvalRequired", true))).status());
        await().atMost(FLOW).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            Gateway.Answer trusted = gateway.get(path, bobWithOtp);
            assertEquals(200, trusted.status(), "bob's stepped-up token once contoso trusts fabrikam's MFA: " + trusted);
        });
        JsonNode seen = gateway.get(path, bobWithOtp).json();
        assertEquals(FINANCE, seen.path("application").asText(), "the finance application answered: " + seen);
        assertEquals("mfa", seen.path("identity").path("acr").asText(), "trusted MFA reaches the application: " + seen);
        assertEquals(401, gateway.get(path, bobPassword).status(), "trust accepts MFA; it does not waive it");
    }

    @Test
    @Order(7)
    void invitationRulesAndTheTenantRegistryRefuseAtFiling() {
        Gateway.Answer denyListed = file("dana@fabrikam-labs.example");
        // Fabrikam's partner system learns that Contoso's rules refuse, not which rule (issue #7): the same 403 and
        // words as a refusal of who may invite, no field
        assertEquals(403, denyListed.status(), denyListed.toString());
        assertTrue(denyListed.json().path("field").isMissingNode() || denyListed.json().path("field").isNull(),
                denyListed.toString());
        assertEquals("contoso's invitation rules refuse this request",
                denyListed.json().path("detail").asText(), denyListed.toString());

        for (String contosoPerson : List.of("alice@contoso.example", "ALICE@Contoso.Example", "ceo@globex.example")) {
            Gateway.Answer foreign = file(contosoPerson);
            assertEquals(422, foreign.status(), contosoPerson + ": " + foreign);
            assertEquals("/invitee/email", foreign.json().path("field").asText(), foreign.toString());
        }
    }

    @Test
    @Order(8)
    void anApprovalRequiredRequestWaitsUntilAliceApproves() {
        // fabrikam's own default lets its people out for collaboration with any partner
        Gateway.Answer fabrikamDefault = gateway.put("/api/v1/tenants/fabrikam/access-settings/default", frank,
                Map.of("outbound", Map.of("collaboration", rules(List.of("all"), List.of("all")))));
        assertEquals(200, fabrikamDefault.status(), fabrikamDefault.toString());
        Gateway.Answer filed = file("bob@fabrikam.example");
        assertEquals(202, filed.status(), filed.toString());
        String location = filed.header("Location");
        String id = location.substring(location.lastIndexOf('/') + 1);
        awaitStatus(id, partner, "pending_approval");

        Gateway.Answer twice = file("Bob@Fabrikam.Example");
        assertEquals(409, twice.status(), "one live request per invitee and application: " + twice);
        assertEquals(id, twice.json().path("existingInvitation").asText(), twice.toString());

        assertEquals(403, gateway.post("/api/v1/invitations/" + id + "/approve", frank, Map.of()).status(),
                "only the resource tenant's admin approves");
        Gateway.Answer approved = gateway.post("/api/v1/invitations/" + id + "/approve", alice, Map.of("reason", "project kick-off"));
        assertEquals(200, approved.status(), approved.toString());
        JsonNode pending = awaitStatus(id, partner, "pending_acceptance");
        assertNotNull(pending.path("redemptionCode").asText(null), pending.toString());
        assertEquals(409, gateway.post("/api/v1/invitations/" + id + "/approve", alice, Map.of()).status(), "approved once");

        JsonNode listed = gateway.get("/api/v1/tenants/contoso/invitations?status=pending_acceptance", alice).json();
        assertTrue(listed.path("items").toString().contains(id), "alice can list it: " + listed);
    }

    private Gateway.Answer file(String email) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("resourceTenant", "contoso");
        body.put("application", APP);
        body.put("invitee", Map.of("tenant", "fabrikam", "email", email));
        return gateway.post("/api/v1/invitations", partner, body, Map.of("Idempotency-Key", UUID.randomUUID().toString()));
    }

    private JsonNode awaitStatus(String invitationId, String token, String status) {
        await().atMost(FLOW).pollInterval(Duration.ofMillis(200)).until(() ->
                status.equals(gateway.get("/api/v1/invitations/" + invitationId, token).json().path("status").asText()));
        return gateway.get("/api/v1/invitations/" + invitationId, token).json();
    }

    private static Map<String, Object> rules(List<String> users, List<String> applications) {
        return Map.of("usersAndGroups", Map.of("access", "allowed", "targets", users),
                "applications", Map.of("access", "allowed", "targets", applications));
    }

    private String password(String tenant, String user) {
        return KeycloakTokens.passwordGrant(stack.settings().issuer(tenant), "crosstenant-cli", user, user + "-password");
    }
}
