package org.crosstenant.policy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.crosstenant.policy.LiveInvitations.Invitation;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The projection of live invitations (issue #8) from its two feeds — the decision batch (allow → requested) and the
 * projection channel (invitations.events from the earliest offset) — in any order, with replays, and a projection
 * channel that survives malformed records.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "policy"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class LiveInvitationProjectionTest {

    private static final String MARKER = "test-projection-marker";

    /** The decision batch first, then approval, acceptance and redemption; replays of every step change nothing. */
    @Test
    void theDecisionFirstThenEachStepAndReplaysChangeNothing() {
        DecisionFlowTest.Pair pair = DecisionFlowTest.Pair.configured("allowed");
        Invitation bob = Invitation.of(pair, "bob");
        LiveInvitations.produce(List.of(bob.requested()));
        DecisionFlowTest.awaitDecision(bob.id());
        // a partner system filed it (requestedBy.tenant is the home tenant)
        assertEquals(new LiveInvitations.Row("requested", false, null), LiveInvitations.row(bob.id()));

        LiveInvitations.produce(List.of(bob.approvalRequested()));
        LiveInvitations.awaitStatus(bob.id(), "pending_approval");
        LiveInvitations.produce(List.of(bob.approved()));
        LiveInvitations.awaitStatus(bob.id(), "pending_acceptance");
        LiveInvitations.produce(List.of(bob.redeemed()));
        LiveInvitations.Row accepted = LiveInvitations.awaitStatus(bob.id(), "accepted");
        assertEquals(bob.subject(), accepted.guestSubject());
        assertEquals(false, accepted.filedByResourceAdmin());

        // every earlier step again (new ce_ids: the projection has no inbox, the stages alone make it idempotent)
        LiveInvitations.produce(List.of(bob.approvalRequested(), bob.approved(), bob.requested(), bob.redeemed()));
        LiveInvitations.awaitProjectedUpTo(pair);
        assertEquals(accepted, LiveInvitations.row(bob.id()));

        LiveInvitations.produce(List.of(bob.revoked()));
        LiveInvitations.awaitStatus(bob.id(), "ended");
        LiveInvitations.produce(List.of(bob.redeemed(), bob.approved()));
        LiveInvitations.awaitProjectedUpTo(pair);
        assertEquals("ended", LiveInvitations.row(bob.id()).status());
        assertEquals(1, KafkaSupport.records(org.crosstenant.policy.service.PolicyEvents.DECISIONS_TOPIC,
                r -> bob.id().toString().equals(r.key())).size(), "decided once");
    }

    /**
     * redeemed.v1 reaches the projection before the decision batch ran (or without it ever running for this
     * invitation: decided before the projection existed): the row is accepted with the filer unknown; the decision
     * made afterwards fills in the filer and does not move it back.
     */
    @Test
    void aRedemptionBeforeTheDecisionStaysAcceptedAndTheDecisionFillsInTheFiler() {
        DecisionFlowTest.Pair pair = DecisionFlowTest.Pair.configured("allowed");
        Invitation carol = Invitation.of(pair, "carol");
        LiveInvitations.produce(List.of(carol.redeemed()));
        assertEquals(new LiveInvitations.Row("accepted", null, carol.subject()),
                LiveInvitations.awaitStatus(carol.id(), "accepted"));

        LiveInvitations.produce(List.of(carol.requested()));
        assertEquals("allow", new JsonObject(DecisionFlowTest.awaitDecision(carol.id()).value()).getString("outcome"));
        // the decision's upsert commits with its outbox row, so it is there once the decision is published
        assertEquals(new LiveInvitations.Row("accepted", false, carol.subject()), LiveInvitations.row(carol.id()));
    }

    /** An invitation that ended before it was decided (e.g. expired while policy-service was down) never becomes live. */
    @Test
    void anAllowDecisionAfterTheEndDoesNotBringItBack() {
        DecisionFlowTest.Pair pair = DecisionFlowTest.Pair.configured("allowed");
        Invitation dave = Invitation.of(pair, "dave");
        LiveInvitations.produce(List.of(dave.expired()));
        LiveInvitations.awaitStatus(dave.id(), "ended");
        LiveInvitations.produce(List.of(dave.requested()));
        assertEquals("allow", new JsonObject(DecisionFlowTest.awaitDecision(dave.id()).value()).getString("outcome"));
        assertEquals("ended", LiveInvitations.row(dave.id()).status());
    }

    /** A denied request never becomes live; its denied.v1 leaves only a final row. */
    @Test
    void aDeniedRequestIsNeverLive() {
        DecisionFlowTest.Pair pair = DecisionFlowTest.Pair.configured("blocked");
        Invitation erin = Invitation.of(pair, "erin");
        LiveInvitations.produce(List.of(erin.requested()));
        assertEquals("deny", new JsonObject(DecisionFlowTest.awaitDecision(erin.id()).value()).getString("outcome"));
        assertNull(LiveInvitations.row(erin.id()));
        LiveInvitations.produce(List.of(erin.event("denied.v1", erin.base().put("decisionId",
                UUID.randomUUID().toString()).put("reasons", List.of("x")).encode())));
        LiveInvitations.awaitStatus(erin.id(), "ended");
    }

    /**
     * Records the projection channel cannot read go to its own dead-letter topic with the reason (the decision
     * channel ignores the types it does not use, so these would not be dead-lettered there), and the channel goes on.
     */
    @Test
    void unreadableRecordsAreDeadLetteredByTheProjectionChannelAndItGoesOn() {
        DecisionFlowTest.Pair pair = DecisionFlowTest.Pair.configured("allowed");
        Invitation frank = Invitation.of(pair, "frank");
        Map<String, ProducerRecord<String, String>> poison = Map.of(
                "redeemed without guest.subject", frank.event("redeemed.v1", frank.base()
                        .put("guest", new JsonObject().put("tenant", pair.home())).encode()),
                "approved not JSON", frank.event("approved.v1", "{\"invitationId\":"),
                "approved not an object", frank.event("approved.v1", "[1]"),
                "key not the invitation id", LiveInvitations.record(UUID.randomUUID().toString(),
                        LiveInvitations.TYPE + "approved.v1", frank.base().encode()),
                "resource tenant not an id", frank.event("approved.v1", frank.base()
                        .put("resourceTenant", "Not An Id").encode()),
                "invitee email not canonical", frank.event("revoked.v1", frank.base()
                        .put("invitee", new JsonObject().put("tenant", pair.home()).put("email", "fr\u0131nk@x.example"))
                        .encode()),
                "structured mode", structured(frank));
        Map<String, String> reasons = Map.of(
                "redeemed without guest.subject", "guest.subject",
                "approved not JSON", "not JSON",
                "approved not an object", "not a JSON object",
                "key not the invitation id", "not the invitation id",
                "resource tenant not an id", "resourceTenant",
                "invitee email not canonical", "invitee.email",
                "structured mode", "structured");
        poison.forEach((name, record) -> record.headers().add(MARKER, name.getBytes(StandardCharsets.UTF_8)));
        LiveInvitations.produce(List.copyOf(poison.values()));
        LiveInvitations.awaitProjectedUpTo(pair);

        reasons.forEach((name, reason) -> {
            ConsumerRecord<String, String> dead = KafkaSupport.awaitRecord(LiveInvitations.PROJECTION_DLQ,
                    r -> name.equals(KafkaSupport.header(r, MARKER)));
            String deadReason = KafkaSupport.header(dead, "dead-letter-reason");
            assertNotNull(deadReason, name);
            assertTrue(deadReason.contains(reason), name + ": " + deadReason);
        });
        assertNull(LiveInvitations.row(frank.id()), "nothing of the poison was applied");
        // a value that is not UTF-8 too
        KafkaSupport.produceBytes(DecisionFlowTest.INVITATIONS, frank.id().toString().getBytes(StandardCharsets.UTF_8),
                new byte[] {'{', (byte) 0xff, '}'}, Map.of("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8),
                        "ce_id", UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8),
                        "ce_type", (LiveInvitations.TYPE + "approved.v1").getBytes(StandardCharsets.UTF_8),
                        "ce_source", "/x".getBytes(StandardCharsets.UTF_8),
                        MARKER, "not UTF-8".getBytes(StandardCharsets.UTF_8)));
        String notUtf8 = KafkaSupport.header(KafkaSupport.awaitRecord(LiveInvitations.PROJECTION_DLQ,
                r -> "not UTF-8".equals(KafkaSupport.header(r, MARKER))), "dead-letter-reason");
        assertTrue(notUtf8.contains("not valid UTF-8"), notUtf8);
        Invitation next = Invitation.of(pair, "next");
        LiveInvitations.produce(List.of(next.approved()));
        LiveInvitations.awaitStatus(next.id(), "pending_acceptance");
        io.restassured.RestAssured.given().get("/q/health/live").then().statusCode(200);
    }

    private static ProducerRecord<String, String> structured(Invitation invitation) {
        ProducerRecord<String, String> record = new ProducerRecord<>(DecisionFlowTest.INVITATIONS, 0,
                invitation.id().toString(), new JsonObject().put("specversion", "1.0")
                .put("id", UUID.randomUUID().toString()).put("source", "/x")
                .put("type", LiveInvitations.TYPE + "approved.v1").put("data", invitation.base()).encode());
        record.headers().add("content-type", "application/cloudevents+json".getBytes(StandardCharsets.UTF_8));
        return record;
    }
}
