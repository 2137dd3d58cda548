package org.crosstenant.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.crosstenant.stack.DemoUpstream;
import org.crosstenant.stack.LocalStack;
import org.crosstenant.stack.StackSettings;
import org.crosstenant.stack.infra.KeycloakTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The walk of issue #8 (continuous access evaluation) against the real stack, through the gateway only: a settings
 * change of either tenant ends the grants and open invitations it no longer admits — at the gateway at once (the
 * change's answer says the gateway enforces it: read-your-writes) and durably (the grant is revoked with reason
 * {@code policy-changed}, exactly once); what-if and impact answer before each change; loosening again re-grants
 * nothing; an admin's revoke answers once the gateway refuses; a grant with a short validity ends by itself with
 * {@code expired.v1}; a mass re-evaluation survives policy-service being killed (SIGKILL) while it runs; and a
 * redeployment that drops Fabrikam's registered domain ends its guest's grant.
 * The steps build on each other and run in order on one stack whose grants last {@link #GRANT_VALIDITY}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContinuousAccessWalkIT {

    private static final String APP = "contoso-projects";
    private static final String WIKI = DemoUpstream.WIKI;
    /** Short, so that one grant of the walk ends by itself; every other grant is ended by a step long before. */
    private static final Duration GRANT_VALIDITY = Duration.ofSeconds(90);
    private static final Duration FLOW = Duration.ofSeconds(60);
    private static final String CONTOSO_FOR_FABRIKAM = "/api/v1/tenants/contoso/access-settings/partners/fabrikam";
    private static final String FABRIKAM_FOR_CONTOSO = "/api/v1/tenants/fabrikam/access-settings/partners/contoso";
    /** How many grants the kill step ends in one change. */
    private static final int MASS = 30;

    private LocalStack stack;
    private Gateway gateway;
    private String bobsGrant, carolsGrant, carolsWikiGrant, shortGrant;

    @BeforeAll
    void startTheStack() throws Exception {
        Path repoRoot = Path.of(System.getProperty("crosstenant.repo.root", "../..")).toAbsolutePath().normalize();
        Path home = Files.createTempDirectory("crosstenant-e2e-cae");
        // supervised (restart delay 1 s): the last step kills policy-service and the stack starts it again
        StackSettings settings = new StackSettings(repoRoot, home, StackSettings.Ports.free(), null, true,
                StackSettings.JvmProfile.SMALL, Duration.ofSeconds(1));
        stack = LocalStack.start(settings, Map.of("invitation-service", Map.of(
                        "INVITATION_GRANT_VALIDITY", GRANT_VALIDITY.toString(),
                        "INVITATION_EXPIRY_SWEEP_INTERVAL", "2s")),
                message -> System.out.println("[e2e cae stack] " + message));
        gateway = new Gateway(settings.gatewayUrl());
    }

    @AfterAll
    void stopTheStack() {
        StackProcesses.closeAndCheck(stack);
    }

    @Test
    @Order(1)
    void bobAndCarolAreGuestsOfContoso() {
        for (String[] app : List.of(new String[] {APP, ""}, new String[] {WIKI, DemoUpstream.WIKI_PATH})) {
            Gateway.Answer registered = gateway.put("/api/v1/tenants/contoso/applications/" + app[0], token("contoso", "alice"),
                    Map.of("upstreamUrl", stack.settings().demoUpstreamUrl() + app[1], "displayName", app[0]));
            assertEquals(200, registered.status(), registered.toString());
        }
        Gateway.Answer in = gateway.put(CONTOSO_FOR_FABRIKAM, token("contoso", "alice"),
                Map.of("inbound", Map.of("collaboration", rules(List.of("all"), List.of("all")))));
        assertEquals(200, in.status(), in.toString());
        Gateway.Answer out = gateway.put(FABRIKAM_FOR_CONTOSO, token("fabrikam", "frank"),
                Map.of("outbound", Map.of("collaboration", Map.of(
                        "usersAndGroups", Map.of("access", "allowed", "targets", List.of(
                                Map.of("user", "bob@fabrikam.example"), Map.of("user", "carol@fabrikam.example"))),
                        "applications", Map.of("access", "allowed", "targets", List.of("all"))))));
        assertEquals(200, out.status(), out.toString());

        carolsWikiGrant = redeem(file(WIKI, "carol@fabrikam.example"), "carol");
        bobsGrant = redeem(file(APP, "bob@fabrikam.example"), "bob");
        carolsGrant = redeem(file(APP, "carol@fabrikam.example"), "carol");
        for (String[] guest : List.of(new String[] {"bob", APP}, new String[] {"carol", APP}, new String[] {"carol", WIKI})) {
            await().atMost(FLOW).pollInterval(Duration.ofMillis(100)).until(() ->
                    reach(guest[1], guest[0]) == 200);
        }
    }

    @Test
    @Order(2)
    void fabrikamSeesWhatRemovingBobWouldDoThenRemovesHimAndTheGatewayRefusesHimAtOnce() {
        Map<String, Object> withoutBob = Map.of("outbound", Map.of("collaboration", Map.of(
                "usersAndGroups", Map.of("access", "allowed", "targets", List.of(Map.of("user", "carol@fabrikam.example"))),
                "applications", Map.of("access", "allowed", "targets", List.of("all")))));
        String frank = token("fabrikam", "frank");

        // what-if: bob's access under the proposed configuration, and under the current one
        Map<String, Object> question = new LinkedHashMap<>();
        question.put("direction", "outbound");
        question.put("partner", "contoso");
        question.put("mode", "collaboration");
        question.put("user", Map.of("email", "bob@fabrikam.example"));
        question.put("application", APP);
        Gateway.Answer now = gateway.post("/api/v1/tenants/fabrikam/access-settings/what-if", frank, question);
        assertEquals(200, now.status(), now.toString());
        assertEquals("allow", now.json().path("decision").asText(), now.toString());
        question.put("proposed", Map.of("partner", "contoso", "settings", withoutBob));
        Gateway.Answer proposed = gateway.post("/api/v1/tenants/fabrikam/access-settings/what-if", frank, question);
        assertEquals(200, proposed.status(), proposed.toString());
        assertEquals("deny", proposed.json().path("decision").asText(), proposed.toString());
        assertEquals("blocked", proposed.json().path("callerSide").path("decision").asText(), proposed.toString());
        assertEquals("allowed", proposed.json().path("otherSide").asText(), proposed.toString());

        // impact: exactly bob's grant, nothing saved
        JsonNode impact = impact("fabrikam", frank, "contoso", withoutBob);
        assertEquals(1, impact.path("counts").path("grants").asInt(), impact.toString());
        assertEquals(Set.of(bobsGrant), invitationIds(impact), impact.toString());
        JsonNode dryRun = gateway.send(gateway.request(FABRIKAM_FOR_CONTOSO + "?dryRun=true", frank)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(Gateway.write(withoutBob))).build()).json();
        assertEquals(invitationIds(impact), invitationIds(dryRun), "dryRun=true answers the impact: " + dryRun);
        assertEquals(200, reach(APP, "bob"),
                "neither what-if nor impact nor a dry run changes anything");

        Gateway.Answer saved = gateway.put(FABRIKAM_FOR_CONTOSO, frank, withoutBob);
        assertEquals(200, saved.status(), saved.toString());
        assertEquals("true", saved.header("Crosstenant-Enforced"), "the gateway enforces the change when it answers: " + saved);
        // read-your-writes: no waiting here
        assertEquals(403, reach(APP, "bob"));
        assertEquals(200, reach(APP, "carol"), "carol is still let out");
        awaitEnded(bobsGrant, "revoked");
    }

    @Test
    @Order(3)
    void contosoBlocksFabrikamInboundAndCarolIsRefusedAtOnce() {
        String alice = token("contoso", "alice");
        Map<String, Object> blocked = Map.of("inbound", Map.of("collaboration", Map.of(
                "usersAndGroups", Map.of("access", "blocked", "targets", List.of("all")),
                "applications", Map.of("access", "allowed", "targets", List.of("all")))));
        JsonNode impact = impact("contoso", alice, "fabrikam", blocked);
        assertEquals(Set.of(carolsGrant, carolsWikiGrant), invitationIds(impact), impact.toString());

        // a change that keeps the wiki open: only carol's projects grant ends
        Map<String, Object> projectsOnly = Map.of("inbound", Map.of("collaboration", Map.of(
                "usersAndGroups", Map.of("access", "allowed", "targets", List.of("all")),
                "applications", Map.of("access", "blocked", "targets", List.of(APP)))));
        assertEquals(Set.of(carolsGrant), invitationIds(impact("contoso", alice, "fabrikam", projectsOnly)));
        Gateway.Answer saved = gateway.put(CONTOSO_FOR_FABRIKAM, alice, projectsOnly);
        assertEquals(200, saved.status(), saved.toString());
        assertEquals("true", saved.header("Crosstenant-Enforced"), saved.toString());
        assertEquals(403, reach(APP, "carol"));
        assertEquals(200, reach(WIKI, "carol"));
        awaitEnded(carolsGrant, "revoked");

        // loosening again re-grants nothing
        Gateway.Answer loosened = gateway.put(CONTOSO_FOR_FABRIKAM, alice,
                Map.of("inbound", Map.of("collaboration", rules(List.of("all"), List.of("all")))));
        assertEquals(200, loosened.status(), loosened.toString());
        assertEquals("true", loosened.header("Crosstenant-Enforced"), loosened.toString());
        assertEquals(403, reach(APP, "carol"),
                "a revoked grant stays revoked");
        assertEquals("revoked", invitation(carolsGrant).path("status").asText());
    }

    @Test
    @Order(4)
    void aDomainDenyListEndsAGrantAndAnApprovedRequestCannotBeRedeemedAfterIt() {
        String alice = token("contoso", "alice");
        String carolsNew = redeem(file(APP, "carol@fabrikam.example"), "carol");
        await().atMost(FLOW).pollInterval(Duration.ofMillis(100)).until(() ->
                reach(APP, "carol") == 200);
        // bob is out by fabrikam's rules; frank lets him out again for an open request
        assertEquals(200, gateway.put(FABRIKAM_FOR_CONTOSO, token("fabrikam", "frank"), Map.of("outbound", Map.of(
                "collaboration", rules(List.of("all"), List.of("all"))))).status());
        String bobsOpen = file(APP, "bob@fabrikam.example");
        JsonNode open = awaitStatus(bobsOpen, "pending_acceptance");
        String code = open.path("redemptionCode").asText(null);
        assertNotNull(code, open.toString());

        Map<String, Object> denyFabrikam = Map.of(
                "inbound", Map.of("collaboration", rules(List.of("all"), List.of("all"))),
                "invitations", Map.of("domains", Map.of("access", "blocked", "targets", List.of("fabrikam.example"))));
        JsonNode impact = impact("contoso", alice, "fabrikam", denyFabrikam);
        assertEquals(Set.of(carolsNew, carolsWikiGrant, bobsOpen), invitationIds(impact), impact.toString());
        assertEquals(1, impact.path("counts").path("pending").asInt(), impact.toString());

        Gateway.Answer saved = gateway.put(CONTOSO_FOR_FABRIKAM, alice, denyFabrikam);
        assertEquals(200, saved.status(), saved.toString());
        assertEquals("true", saved.header("Crosstenant-Enforced"), saved.toString());
        assertEquals(403, reach(APP, "carol"));
        awaitEnded(carolsNew, "revoked");
        awaitEnded(bobsOpen, "denied");
        Gateway.Answer late = gateway.post("/api/v1/invitations/" + bobsOpen + "/redeem", token("fabrikam", "bob"),
                Map.of("code", code));
        assertEquals(409, late.status(), "an approved request blocked since cannot be redeemed: " + late);
        awaitEnded(carolsWikiGrant, "revoked");
    }

    @Test
    @Order(5)
    void alicesRevokeAnswersOnceTheGatewayRefuses() {
        String alice = token("contoso", "alice");
        assertEquals(200, gateway.put(CONTOSO_FOR_FABRIKAM, alice,
                Map.of("inbound", Map.of("collaboration", rules(List.of("all"), List.of("all"))))).status());
        String grant = redeem(file(WIKI, "bob@fabrikam.example"), "bob");
        await().atMost(FLOW).pollInterval(Duration.ofMillis(100)).until(() ->
                reach(WIKI, "bob") == 200);
        Gateway.Answer revoked = gateway.post("/api/v1/invitations/" + grant + "/revoke", alice, Map.of());
        assertEquals(200, revoked.status(), revoked.toString());
        assertEquals("true", revoked.header("Crosstenant-Enforced"), revoked.toString());
        assertEquals(403, reach(WIKI, "bob"),
                "no more 200 right after a revoke");
    }

    /**
     * A grant redeemed here ends by itself after {@link #GRANT_VALIDITY}; step 8 checks that it did. The mass step runs
     * in between, so that the walk does not sit idle while the grant runs out.
     */
    @Test
    @Order(6)
    void aShortGrantLetsCarolInAndIsListed() {
        shortGrant = redeem(file(WIKI, "carol@fabrikam.example"), "carol");
        await().atMost(FLOW).pollInterval(Duration.ofMillis(100)).until(() ->
                reach(WIKI, "carol") == 200);
        JsonNode listed = gateway.get("/api/v1/tenants/contoso/grants?application=" + WIKI, token("contoso", "alice")).json();
        assertTrue(listed.path("items").toString().contains(shortGrant), "alice lists carol's active grant: " + listed);
    }

    @Test
    @Order(7)
    void aMassReEvaluationSurvivesPolicyServiceKilledWhileItRunsAndEndsEachGrantOnce() throws Exception {
        String alice = token("contoso", "alice");
        List<String> apps = new ArrayList<>();
        for (int i = 0; i < MASS; i++) {
            String app = "mass-" + i;
            apps.add(app);
            assertEquals(200, gateway.put("/api/v1/tenants/contoso/applications/" + app, alice,
                    Map.of("upstreamUrl", stack.settings().demoUpstreamUrl(), "displayName", app)).status());
        }
        List<String> filed = new ArrayList<>();
        for (String app : apps) {
            filed.add(file(app, "bob@fabrikam.example"));
        }
        Set<String> grants = new HashSet<>();
        for (String id : filed) {
            grants.add(redeem(id, "bob"));
        }
        Map<String, Object> blockBob = Map.of("inbound", Map.of("collaboration", Map.of(
                "usersAndGroups", Map.of("access", "blocked", "targets", List.of(Map.of("user", "bob@fabrikam.example"))),
                "applications", Map.of("access", "allowed", "targets", List.of("all")))));
        assertTrue(invitationIds(impact("contoso", alice, "fabrikam", blockBob)).containsAll(grants));

        ProcessHandle policy = stack.processes().get("policy-service");
        assertNotNull(policy, "the stack knows policy-service's process: " + stack.processes().keySet());
        CompletableFuture<HttpResponse<String>> change = gateway.client().sendAsync(
                gateway.request(CONTOSO_FOR_FABRIKAM, alice).header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(Gateway.write(blockBob))).build(),
                HttpResponse.BodyHandlers.ofString());
        policy.destroyForcibly();
        int firstAnswer;
        try {
            firstAnswer = change.get().statusCode();
        } catch (Exception e) {
            firstAnswer = -1;
        }
        System.out.println("[e2e cae] the change sent while policy-service was killed answered " + firstAnswer);
        // supervised: the stack starts policy-service again; the administrator repeats the change
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500)).until(() -> {
            Gateway.Answer again = gateway.put(CONTOSO_FOR_FABRIKAM, token("contoso", "alice"), blockBob);
            return again.status() == 200;
        });
        for (String grant : grants) {
            awaitEnded(grant, "revoked");
        }
        List<ConsumerRecord<String, String>> revocations = invitationEvents(grants,
                r -> header(r, "ce_type").endsWith(".revoked.v1"));
        Map<String, Set<String>> eventIdsPerGrant = new HashMap<>();
        revocations.forEach(r -> eventIdsPerGrant.computeIfAbsent(r.key(), k -> new HashSet<>()).add(header(r, "ce_id")));
        assertEquals(grants, eventIdsPerGrant.keySet(), "every grant revoked: " + eventIdsPerGrant);
        eventIdsPerGrant.forEach((grant, ids) -> assertEquals(1, ids.size(), grant + " revoked once: " + ids));
        revocations.forEach(r -> assertTrue(r.value().contains("policy-changed"), r.value()));
    }

    /** The grant of step 6 ends with {@code expired} (blocking bob in step 7 did not touch carol's grant). */
    @Test
    @Order(8)
    void theShortGrantEndsByItselfWithExpired() {
        assertNotNull(shortGrant, "step 6 redeemed the short grant");
        awaitEnded(shortGrant, "expired", GRANT_VALIDITY.plus(FLOW));
        assertEquals(403, reach(WIKI, "carol"));
        List<ConsumerRecord<String, String>> events = invitationEvents(Set.of(shortGrant), r -> true);
        assertTrue(events.stream().anyMatch(r -> header(r, "ce_type").endsWith(".expired.v1")), "expired.v1 on the topic");
    }

    /**
     * Tenant domains: Fabrikam's registered domains are configuration; a redeployment of invitation-service without
     * {@code fabrikam.example} ends carol's grant (rule {@code tenant-domains}) and the gateway refuses her.
     */
    @Test
    @Order(9)
    void aRedeploymentThatDropsFabrikamsDomainEndsItsGuestsGrants() {
        String grant = redeem(file(WIKI, "carol@fabrikam.example"), "carol");
        await().atMost(FLOW).pollInterval(Duration.ofMillis(100)).until(() ->
                reach(WIKI, "carol") == 200);

        stack.reconfigure("invitation-service", Map.of("CROSSTENANT_TENANTS_FABRIKAM_DOMAINS", "fabrikam-new.example"));
        ProcessHandle invitations = stack.processes().get("invitation-service");
        assertNotNull(invitations, "the stack knows invitation-service's process: " + stack.processes().keySet());
        invitations.destroyForcibly();

        awaitEnded(grant, "revoked", Duration.ofMinutes(3));
        await().atMost(FLOW).pollInterval(Duration.ofMillis(100)).until(() ->
                reach(WIKI, "carol") == 403);
        JsonNode ended = invitation(grant);
        assertEquals("fabrikam", ended.path("revokedBy").path("tenant").asText(), ended.toString());
        assertEquals("tenant-domains: fabrikam.example is no longer a registered domain of tenant fabrikam",
                ended.path("withdrawal").path("reasons").path(0).asText(), ended.toString());
        List<ConsumerRecord<String, String>> revoked = invitationEvents(Set.of(grant),
                r -> header(r, "ce_type").endsWith(".revoked.v1"));
        assertEquals(1, revoked.size(), "revoked once: " + revoked);
        assertTrue(revoked.get(0).value().contains("policy-changed"), revoked.get(0).value());
    }

    /** Bob's or carol's request to a Contoso application through the gateway: its HTTP status (200: let through). */
    private int reach(String application, String user) {
        return gateway.get("/apps/contoso/" + application + "/", token("fabrikam", user)).status();
    }

    private JsonNode impact(String tenant, String token, String partner, Map<String, Object> settings) {
        Map<String, Object> body = new HashMap<>();
        body.put("partner", partner);
        body.put("settings", settings);
        Gateway.Answer answer = gateway.post("/api/v1/tenants/" + tenant + "/access-settings/impact", token, body);
        assertEquals(200, answer.status(), answer.toString());
        return answer.json();
    }

    private static Set<String> invitationIds(JsonNode impact) {
        Set<String> ids = new HashSet<>();
        impact.path("items").forEach(item -> ids.add(item.path("invitationId").asText()));
        return ids;
    }

    /** Files a request by Fabrikam's partner system; returns the invitation id. */
    private String file(String application, String email) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("resourceTenant", "contoso");
        body.put("application", application);
        body.put("invitee", Map.of("tenant", "fabrikam", "email", email));
        Gateway.Answer filed = gateway.post("/api/v1/invitations", partner(), body,
                Map.of("Idempotency-Key", UUID.randomUUID().toString()));
        assertEquals(202, filed.status(), filed.toString());
        String location = filed.header("Location");
        return location.substring(location.lastIndexOf('/') + 1);
    }

    /** Waits for the code and redeems it as the invitee; returns the invitation id. */
    private String redeem(String invitationId, String invitee) {
        String code = awaitStatus(invitationId, "pending_acceptance").path("redemptionCode").asText(null);
        assertNotNull(code, invitationId);
        Gateway.Answer redeemed = gateway.post("/api/v1/invitations/" + invitationId + "/redeem",
                token("fabrikam", invitee), Map.of("code", code));
        assertEquals(200, redeemed.status(), redeemed.toString());
        return invitationId;
    }

    private JsonNode invitation(String id) {
        return gateway.get("/api/v1/invitations/" + id, partner()).json();
    }

    private JsonNode awaitStatus(String id, String status) {
        await().atMost(FLOW).pollInterval(Duration.ofMillis(100)).until(() ->
                status.equals(invitation(id).path("status").asText()));
        return invitation(id);
    }

    private void awaitEnded(String id, String status) {
        awaitEnded(id, status, FLOW);
    }

    /**
     * Waits until the invitation has ended with {@code status}; fails at once, naming the status, when it ended
     * otherwise (e.g. a grant that ran out — {@link #GRANT_VALIDITY} — before the change meant to revoke it arrived).
     */
    private void awaitEnded(String id, String status, Duration atMost) {
        Set<String> ended = Set.of("revoked", "expired", "denied");
        await(id + " " + status).atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> {
            String now = gateway.get("/api/v1/invitations/" + id, token("contoso", "alice")).json().path("status").asText();
            if (!now.equals(status) && ended.contains(now)) {
                throw new AssertionError(id + " ended " + now + ", not " + status);
            }
            return status.equals(now);
        });
    }

    /** Every record of {@code invitations.events} of the given invitations that the filter keeps, read from offset 0. */
    private List<ConsumerRecord<String, String>> invitationEvents(Set<String> ids,
            java.util.function.Predicate<ConsumerRecord<String, String>> keep) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.settings().kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "e2e-cae-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("invitations.events"));
            // read until the end offsets of the moment: nothing of these invitations is still on its way
            await().atMost(FLOW).until(() -> {
                consumer.poll(Duration.ofMillis(300)).forEach(seen::add);
                return !consumer.assignment().isEmpty() && consumer.endOffsets(consumer.assignment()).entrySet().stream()
                        .allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
            });
        }
        List<ConsumerRecord<String, String>> kept = new ArrayList<>();
        for (ConsumerRecord<String, String> r : seen) {
            if (ids.contains(r.key()) && keep.test(r)) {
                kept.add(r);
            }
        }
        assertFalse(kept.isEmpty(), "no record of " + ids + " among " + seen.size());
        return kept;
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? "" : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private String partner() {
        return KeycloakTokens.clientCredentials(stack.settings().issuer("fabrikam"), "fabrikam-partner", "fabrikam-partner-secret");
    }

    private String token(String tenant, String user) {
        return KeycloakTokens.passwordGrant(stack.settings().issuer(tenant), "crosstenant-cli", user, user + "-password");
    }

    private static Map<String, Object> rules(List<String> users, List<String> applications) {
        return Map.of("usersAndGroups", Map.of("access", "allowed", "targets", users),
                "applications", Map.of("access", "allowed", "targets", applications));
    }
}
