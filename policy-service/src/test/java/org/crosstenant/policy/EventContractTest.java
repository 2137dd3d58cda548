package org.crosstenant.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.json.JsonObject;
import org.crosstenant.policy.messaging.InvitationEventParser;
import org.crosstenant.policy.messaging.PoisonMessageException;
import org.crosstenant.policy.model.Application;
import org.crosstenant.policy.model.Decision;
import org.crosstenant.policy.model.IncomingEvent;
import org.crosstenant.policy.model.InvitationRequested;
import org.crosstenant.policy.model.PartnerConfiguration;
import org.crosstenant.policy.model.Party;
import org.crosstenant.policy.service.PolicyEvents;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both sides of the event contracts without a broker: invitation-service's examples parse with this service's
 * consumer code, and this service's payload builders produce the field names of its own examples. The Kafka flow
 * tests repeat the producer check on what is really published.
 */
class EventContractTest {

    static final Path INVITATION_EVENTS = Path.of("../invitation-service/src/main/resources/events");

    private final InvitationEventParser parser = new InvitationEventParser(new ObjectMapper());
    private final Instant now = Instant.parse("2026-11-27T10:15:30Z");
    private final Party alice = new Party("contoso", "alice", "alice@contoso.example");

    @Test
    void producerRequestedExampleParsesWithOurConsumerCode() throws Exception {
        Path example = INVITATION_EVENTS.resolve(InvitationEventParser.REQUESTED + ".json");
        assertTrue(Files.exists(example), "invitation-service must keep its requested.v1 example at " + example);
        IncomingEvent event = parser.parse(UUID.randomUUID().toString(), InvitationEventParser.REQUESTED,
                Files.readString(example));
        InvitationRequested requested = event.requested();
        assertEquals("contoso", requested.resourceTenant());
        assertEquals("contoso-projects", requested.application());
        assertEquals("fabrikam", requested.inviteeTenant());
        assertEquals("bob@fabrikam.example", requested.inviteeEmail());
        assertEquals(UUID.fromString("5b0f2c1e-7d1a-4c53-9a8e-1f2a3b4c5d6e"), requested.invitationId());
        // requestedBy.tenant fabrikam is not the resource tenant: a partner system filed it (whoMayInvite)
        assertFalse(requested.filedByResourceAdmin());
        assertEquals("fabrikam.example", requested.inviteeDomain());
    }

    @Test
    void whoFiledIsTakenFromRequestedByTenantAndUnknownCountsAsAPartnerSystem() {
        String id = UUID.randomUUID().toString();
        for (String[] filer : new String[][] {{"{\"tenant\": \"contoso\", \"subject\": \"alice\"}", "true"},
                {"{\"tenant\": \"fabrikam\", \"subject\": \"svc\"}", "false"}, {"null", "false"},
                {"\"contoso\"", "false"}}) {
            String payload = "{\"invitationId\": \"" + id + "\", \"resourceTenant\": \"contoso\", "
                    + "\"application\": \"contoso-projects\", \"invitee\": {\"tenant\": \"fabrikam\", "
                    + "\"email\": \"Bob@Fabrikam.example\"}, \"requestedBy\": " + filer[0] + "}";
            InvitationRequested requested = parser.parseRequested(payload);
            assertEquals(Boolean.parseBoolean(filer[1]), requested.filedByResourceAdmin(), filer[0]);
            assertEquals("bob@fabrikam.example", requested.inviteeEmail());
        }
    }

    /** An invitee email no service could match the same way (NUL, controls, lone surrogates, dotless i): poison. */
    @Test
    void inviteeEmailsOutsideTheOneRuleAreDeadLettered() {
        String id = UUID.randomUUID().toString();
        for (String bad : List.of("\\u0000", "\\u0001", "\\u001f", "\\u007f", "\\ud800", "\\udfff", "\\u0131",
                "\\u212a")) {
            String payload = "{\"invitationId\": \"" + id + "\", \"resourceTenant\": \"contoso\", "
                    + "\"application\": \"contoso-projects\", \"invitee\": {\"tenant\": \"fabrikam\", "
                    + "\"email\": \"carol@fabr" + bad + "kam.example\"}}";
            assertThrows(PoisonMessageException.class, () -> parser.parseRequested(payload), bad);
        }
    }

    @Test
    void otherInvitationExamplesAreRecordedWithoutBeingParsedAsRequests() throws Exception {
        try (Stream<Path> files = Files.list(INVITATION_EVENTS)) {
            List<Path> others = files.filter(p -> !p.getFileName().toString().startsWith(InvitationEventParser.REQUESTED))
                    .toList();
            assertTrue(others.size() >= 4, "invitation-service examples: " + others);
            for (Path file : others) {
                // <type>.json or <type>.<variant>.json (a second example of one type, e.g. approved.v1.by-admin.json)
                String type = file.getFileName().toString().replaceFirst("^(.*?\\.v\\d+)(\\..*)?\\.json$", "$1");
                IncomingEvent event = parser.parse(UUID.randomUUID().toString(), type, Files.readString(file));
                assertEquals(type, event.type());
                assertNull(event.requested(), type);
            }
        }
    }

    @Test
    void poisonRequestsAreRecognised() {
        String id = UUID.randomUUID().toString();
        assertThrows(PoisonMessageException.class, () -> parser.parse(id, InvitationEventParser.REQUESTED, "{nope"));
        assertThrows(PoisonMessageException.class, () -> parser.parse(id, InvitationEventParser.REQUESTED,
                "{\"invitationId\": \"" + id + "\"}"));
        assertThrows(PoisonMessageException.class, () -> parser.parse("not-a-uuid", InvitationEventParser.REQUESTED,
                "{}"));
        assertThrows(PoisonMessageException.class, () -> parser.parse(null, "x", "{}"));
    }

    @Test
    void applicationRegisteredMatchesItsExample() {
        Application app = new Application();
        app.tenant = "contoso";
        app.appId = "contoso-projects";
        app.upstreamUrl = "http://127.0.0.1:8090";
        app.version = 1;
        app.updatedAt = now;
        check(PolicyEvents.APPLICATION_REGISTERED, PolicyEvents.applicationRegistered(app, alice));
    }

    @Test
    void accessSettingsChangedMatchesItsExample() throws Exception {
        JsonObject example = new JsonObject(Files.readString(
                Path.of("src/main/resources/events/" + PolicyEvents.ACCESS_SETTINGS_CHANGED + ".json")));
        check(PolicyEvents.ACCESS_SETTINGS_CHANGED, PolicyEvents.accessSettingsChanged("contoso", "fabrikam", 3, 2,
                example.getJsonObject("settings"), example.getJsonObject("effective"), alice, now));
    }

    @Test
    void decidedMatchesItsExample() {
        Decision decision = new Decision();
        decision.id = UUID.randomUUID();
        decision.invitationId = UUID.randomUUID();
        decision.resourceTenant = "contoso";
        decision.homeTenant = "fabrikam";
        decision.application = "contoso-projects";
        decision.inviteeEmail = "bob@fabrikam.example";
        decision.outcome = "deny";
        decision.evaluation = java.util.Map.of("reasons", List.of("because"),
                "policyVersions", java.util.Map.of("contoso", 1L, "fabrikam", 0L), "approvalRequired", false);
        decision.decidedAt = now;
        check(PolicyEvents.DECIDED, PolicyEvents.decided(decision));
    }

    @Test
    void accessWithdrawnMatchesItsExample() {
        org.crosstenant.policy.model.LiveInvitation grant = new org.crosstenant.policy.model.LiveInvitation(
                UUID.randomUUID(), "contoso", "fabrikam", "contoso-projects", "bob@fabrikam.example", null, "sub",
                org.crosstenant.policy.model.LiveStatus.ACCEPTED);
        org.crosstenant.policy.service.AccessEvaluator.Evaluation refused =
                new org.crosstenant.policy.service.AccessEvaluator.Evaluation("deny", List.of("r"), List.of("s"),
                        List.of("h"), false);
        JsonObject payload = PolicyEvents.accessWithdrawn(UUID.randomUUID(), grant, "fabrikam", refused,
                java.util.Map.of("contoso", 3L, "fabrikam", 2L), now);
        check(PolicyEvents.ACCESS_WITHDRAWN, payload);
        assertEquals("accepted", payload.getString("previousStatus"));
        assertEquals("policy-changed", payload.getString("cause"));
    }

    /** Issue #8: application-removed.v1 has the shape of its example. */
    @Test
    void applicationRemovedMatchesItsExample() {
        JsonObject payload = PolicyEvents.applicationRemoved("contoso", "contoso-projects", 3, alice, now);
        check(PolicyEvents.APPLICATION_REMOVED, payload);
        assertEquals(3L, payload.getLong("version"));
        assertEquals("contoso", payload.getJsonObject("removedBy").getString("tenant"));
    }

    /**
     * Issue #8: the withdrawal an application removal writes is an access-withdrawn.v1 of the one shape (cause
     * policy-changed, the consumers' vocabulary), with the removal in the resource tenant's reasons only; its second
     * example, which the consumers' contract tests parse, is what the builder writes.
     */
    @Test
    void aRemovalsWithdrawalMatchesItsExample() throws Exception {
        org.crosstenant.policy.model.LiveInvitation grant = new org.crosstenant.policy.model.LiveInvitation(
                UUID.randomUUID(), "contoso", "fabrikam", "contoso-projects", "bob@fabrikam.example", null, "sub",
                org.crosstenant.policy.model.LiveStatus.ACCEPTED);
        JsonObject payload = PolicyEvents.accessWithdrawn(UUID.randomUUID(), grant, "contoso",
                org.crosstenant.policy.service.Reevaluation.removedApplication("contoso", "contoso-projects"),
                java.util.Map.of(), now);
        check(PolicyEvents.ACCESS_WITHDRAWN, payload);
        String variant = PolicyEvents.ACCESS_WITHDRAWN + ".application-removed";
        assertEquals(JsonShape.ofExample(variant), JsonShape.of(payload.encode()));
        JsonObject example = new JsonObject(Files.readString(Path.of("src/main/resources/events/" + variant
                + ".json")));
        for (String field : List.of("cause", "changedTenant", "reasons", "sharedReasons", "homeReasons",
                "policyVersions", "previousStatus")) {
            assertEquals(example.getValue(field), payload.getValue(field), field);
        }
    }

    private static void check(String type, JsonObject payload) {
        assertEquals(JsonShape.ofExample(type), JsonShape.of(payload.encode()), type);
    }
}
