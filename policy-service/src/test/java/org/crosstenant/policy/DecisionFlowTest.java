package org.crosstenant.policy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.crosstenant.policy.service.PolicyEvents;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** invitations.events → decision → policy.decisions, end to end through the real broker and database. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "policy"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class DecisionFlowTest {

    static final String INVITATIONS = "invitations.events";
    static final String DLQ = "invitations.events.dlq.policy-service";
    static final String REQUESTED = "org.crosstenant.invitation.requested.v1";

    @Test
    void openSettingsOnBothSidesAllow() {
        Pair pair = Pair.configured("allowed");
        UUID invitation = request(pair, "bob@" + pair.home + ".example", UUID.randomUUID().toString());

        ConsumerRecord<String, String> record = awaitDecision(invitation);
        PolicyEventsPublishedTest.assertCloudEvent(record, PolicyEvents.DECIDED, invitation.toString());
        JsonObject decision = new JsonObject(record.value());
        assertEquals("allow", decision.getString("outcome"), decision.encodePrettily());
        assertEquals(pair.resource, decision.getString("resourceTenant"));
        assertEquals(pair.home, decision.getString("homeTenant"));
        assertEquals("projects", decision.getString("application"));
        assertEquals(1L, decision.getJsonObject("policyVersions").getLong(pair.resource));
        assertEquals(1L, decision.getJsonObject("policyVersions").getLong(pair.home));
        assertTrue(decision.getJsonArray("reasons").contains(pair.resource + " inbound collaboration from "
                + pair.home + " admits bob@" + pair.home + ".example and application projects"),
                decision.encodePrettily());
        assertEquals(false, decision.getBoolean("approvalRequired"));
        assertEquals(JsonShape.ofExample(PolicyEvents.DECIDED), JsonShape.of(record.value()));
    }

    @Test
    void blockedOutboundDeniesSayingOnlyThatTheHomeSideBlockedIt() {
        Pair pair = Pair.configured("blocked");
        String carol = "carol@" + pair.home + ".example";
        UUID invitation = request(pair, carol, UUID.randomUUID().toString());

        JsonObject decision = new JsonObject(awaitDecision(invitation).value());
        assertEquals("deny", decision.getString("outcome"));
        assertEquals(List.of(pair.home + " outbound settings blocked it"), decision.getJsonArray("reasons").getList());
    }

    /**
     * The resource tenant's DEFAULT decides when it has no partner configuration for the home tenant, its invitation
     * rules apply (domain deny list, who may invite, approval), and a changed default is used at once (the compiled
     * cache follows the stored versions).
     */
    @Test
    void theDefaultAndItsInvitationRulesDecide() {
        Pair pair = new Pair(TestStack.tenant("res"), TestStack.tenant("home"));
        given().header("Authorization", TestStack.adminOf(pair.resource)).contentType(ContentType.JSON)
                .body(Map.of("upstreamUrl", "http://127.0.0.1:8090"))
                .when().put("/api/v1/tenants/{tenant}/applications/{app}", pair.resource, "projects")
                .then().statusCode(200);
        putDefault(pair.resource, """
                {"inbound": {"collaboration": {"usersAndGroups": {"access": "allowed", "targets": [{"group": "engineering"}]},
                                               "applications": {"access": "allowed", "targets": ["all"]}}},
                 "invitations": {"domains": {"access": "blocked", "targets": ["globex.example"]},
                                 "approvalRequired": true}}""");
        putDefault(pair.home, """
                {"outbound": {"collaboration": {"usersAndGroups": {"access": "allowed", "targets": ["all"]},
                                                "applications": {"access": "allowed", "targets": ["all"]}}}}""");

        // a group-only allow list may admit (decided finally at access); approval is required
        JsonObject allowed = decide(pair, "bob@" + pair.home + ".example");
        assertEquals("allow", allowed.getString("outcome"), allowed.encodePrettily());
        assertEquals(true, allowed.getBoolean("approvalRequired"));
        assertEquals(0L, allowed.getJsonObject("policyVersions").getLong(pair.resource));

        JsonObject denied = decide(pair, "ceo@globex.example");
        assertEquals("deny", denied.getString("outcome"));
        assertEquals(false, denied.getBoolean("approvalRequired"));
        assertTrue(denied.getJsonArray("reasons").getList().contains("domain globex.example is not allowed by "
                + pair.resource + "'s invitation rules (/invitations/domains: blocked list, default)"),
                denied.encodePrettily());

        putDefault(pair.resource, """
                {"inbound": {"collaboration": {"usersAndGroups": {"access": "allowed", "targets": ["all"]},
                                               "applications": {"access": "allowed", "targets": ["all"]}}},
                 "invitations": {"whoMayInvite": "adminsOnly"}}""");
        JsonObject byPartnerSystem = decide(pair, "bob@" + pair.home + ".example");
        assertEquals("deny", byPartnerSystem.getString("outcome"));
        assertEquals(List.of(pair.resource + "'s invitation rules (/invitations/whoMayInvite: adminsOnly, default) "
                + "do not let a partner system invite"), byPartnerSystem.getJsonArray("reasons").getList());
    }

    private static JsonObject decide(Pair pair, String email) {
        return new JsonObject(awaitDecision(request(pair, email, UUID.randomUUID().toString())).value());
    }

    private static void putDefault(String tenant, String body) {
        given().header("Authorization", TestStack.adminOf(tenant)).contentType(ContentType.JSON).body(body)
                .when().put(AccessSettingsResourceTest.DEFAULT_PATH, tenant)
                .then().statusCode(200);
    }

    @Test
    void theSameEventTwiceGivesOneDecision() {
        Pair pair = Pair.configured("allowed");
        String eventId = UUID.randomUUID().toString();
        UUID invitation = request(pair, "dave@" + pair.home + ".example", eventId);
        produceRequested(pair, invitation, "dave@" + pair.home + ".example", eventId);
        // a later event on the same single-partition topic: once it is decided, the duplicate was consumed too
        UUID marker = request(pair, "erin@" + pair.home + ".example", UUID.randomUUID().toString());
        awaitDecision(marker);

        List<ConsumerRecord<String, String>> decisions = KafkaSupport.records(PolicyEvents.DECISIONS_TOPIC,
                r -> invitation.toString().equals(r.key()));
        assertEquals(1, decisions.size(), "decisions for " + invitation);
    }

    @Test
    void poisonMessagesGoToTheDeadLetterTopicAndConsumptionGoesOn() {
        Pair pair = Pair.configured("allowed");
        String notJson = "{this is not json " + UUID.randomUUID();
        KafkaSupport.produceCloudEvent(INVITATIONS, UUID.randomUUID().toString(), UUID.randomUUID().toString(),
                REQUESTED, notJson);
        String missingFields = new JsonObject().put("invitationId", UUID.randomUUID().toString())
                .put("resourceTenant", pair.resource).encode();
        KafkaSupport.produceCloudEvent(INVITATIONS, UUID.randomUUID().toString(), UUID.randomUUID().toString(),
                REQUESTED, missingFields);

        KafkaSupport.awaitRecord(DLQ, r -> notJson.equals(r.value()));
        KafkaSupport.awaitRecord(DLQ, r -> missingFields.equals(r.value()));

        UUID next = request(pair, "frank@" + pair.home + ".example", UUID.randomUUID().toString());
        assertEquals("allow", new JsonObject(awaitDecision(next).value()).getString("outcome"));
    }

    @Test
    void otherInvitationEventTypesAreIgnored() {
        Pair pair = Pair.configured("allowed");
        UUID invitation = UUID.randomUUID();
        KafkaSupport.produceCloudEvent(INVITATIONS, invitation.toString(), UUID.randomUUID().toString(),
                "org.crosstenant.invitation.revoked.v1", new JsonObject().put("invitationId", invitation.toString())
                        .put("resourceTenant", pair.resource).encode());
        UUID marker = request(pair, "gina@" + pair.home + ".example", UUID.randomUUID().toString());
        awaitDecision(marker);
        assertEquals(0, KafkaSupport.records(PolicyEvents.DECISIONS_TOPIC,
                r -> invitation.toString().equals(r.key())).size());
        assertEquals(0, KafkaSupport.records(DLQ, r -> invitation.toString().equals(r.key())).size());
    }

    static ConsumerRecord<String, String> awaitDecision(UUID invitation) {
        return KafkaSupport.awaitRecord(PolicyEvents.DECISIONS_TOPIC, r -> invitation.toString().equals(r.key()));
    }

    static UUID request(Pair pair, String email, String eventId) {
        UUID invitation = UUID.randomUUID();
        produceRequested(pair, invitation, email, eventId);
        return invitation;
    }

    private static void produceRequested(Pair pair, UUID invitation, String email, String eventId) {
        KafkaSupport.produceCloudEvent(INVITATIONS, invitation.toString(), eventId, REQUESTED,
                requestedPayload(pair, invitation, email));
    }

    /** A valid requested.v1 payload, as invitation-service writes it. */
    static String requestedPayload(Pair pair, UUID invitation, String email) {
        return new JsonObject()
                .put("invitationId", invitation.toString())
                .put("resourceTenant", pair.resource)
                .put("application", "projects")
                .put("invitee", new JsonObject().put("tenant", pair.home).put("email", email))
                .put("requestedBy", new JsonObject().put("tenant", pair.home).put("subject", "partner-system")
                        .putNull("email"))
                .put("requestedByRole", "collab-partner")
                .put("expiresAt", "2026-12-31T00:00:00Z")
                .put("occurredAt", "2026-11-27T10:00:00Z")
                .encode();
    }

    /** A fresh resource/home tenant pair, configured through the REST API as their admins would. */
    record Pair(String resource, String home) {
        static Pair configured(String homeOutboundUsers) {
            Pair pair = new Pair(TestStack.tenant("res"), TestStack.tenant("home"));
            given().header("Authorization", TestStack.adminOf(pair.resource)).contentType(ContentType.JSON)
                    .body(Map.of("upstreamUrl", "http://127.0.0.1:8090"))
                    .when().put("/api/v1/tenants/{tenant}/applications/{app}", pair.resource, "projects")
                    .then().statusCode(200);
            put(pair.resource, pair.home, "inbound", "allowed");
            put(pair.home, pair.resource, "outbound", homeOutboundUsers);
            return pair;
        }

        private static void put(String tenant, String partner, String direction, String usersAccess) {
            String body = "{\"" + direction + "\": {\"collaboration\": {"
                    + "\"users\": {\"access\": \"" + usersAccess + "\", \"targets\": [\"all\"]},"
                    + "\"applications\": {\"access\": \"allowed\", \"targets\": [\"projects\"]}}}}";
            given().header("Authorization", TestStack.adminOf(tenant)).contentType(ContentType.JSON).body(body)
                    .when().put(AccessSettingsResourceTest.PATH, tenant, partner)
                    .then().statusCode(200);
        }
    }
}
