package org.crosstenant.invitation;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "invitation"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class DecisionTest {

    static final String DECIDED = "org.crosstenant.policy.decided.v1";
    static final String APPROVED = "org.crosstenant.invitation.approved.v1";

    @Test
    void allowMakesItPendingWithACodeOnlyTheFilerSees() {
        String id = Api.fileForBob();
        Api.decide(id, "allow", "contoso inbound admits fabrikam");
        Api.awaitStatus(Tokens.fabrikamPartner(), id, "pending_acceptance");

        String code = Api.get(Tokens.fabrikamPartner(), id).then().statusCode(200)
                .body("decision.outcome", equalTo("allow"))
                .body("decision.reasons", contains("contoso inbound admits fabrikam"))
                .body("decision.id", notNullValue())
                .body("decision.decidedAt", notNullValue())
                .body("redemptionCode", matchesPattern("[A-Za-z0-9_-]+"))
                .body("redeemUrl", equalTo(Api.BASE + "/" + id + "/redeem"))
                .extract().path("redemptionCode");
        assertTrue(Base64.getUrlDecoder().decode(code).length >= 16, "at least 128 bits");

        // admins of either tenant and the invitee see the invitation, never the code
        for (String token : List.of(Tokens.contosoAdmin(), Tokens.fabrikamAdmin(), Tokens.bob())) {
            Api.get(token, id).then().statusCode(200)
                    .body("status", equalTo("pending_acceptance"))
                    .body("redemptionCode", nullValue())
                    .body("redeemUrl", nullValue());
        }
        // anyone else does not learn that it exists
        FilingTest.problem(Api.get(Tokens.frank(), id), 404);
        FilingTest.problem(Api.get(Tokens.contosoPartner(), id), 404);

        ConsumerRecord<String, String> approved = KafkaSupport.awaitEvents(id, APPROVED, 1).get(0);
        assertFalse(approved.value().contains(code), "the code never travels in an event");
        assertEquals(JsonShape.ofExample(APPROVED), JsonShape.of(approved.value()));
    }

    @Test
    void denyRecordsTheReasons() {
        String id = Api.fileForBob();
        Api.decide(id, "deny", "fabrikam outbound: bob not admitted", "second reason");
        Api.awaitStatus(Tokens.contosoAdmin(), id, "denied");
        Api.get(Tokens.fabrikamPartner(), id).then().statusCode(200)
                .body("decision.outcome", equalTo("deny"))
                .body("decision.reasons", contains("fabrikam outbound: bob not admitted", "second reason"))
                .body("redemptionCode", nullValue());
        ConsumerRecord<String, String> denied =
                KafkaSupport.awaitEvents(id, "org.crosstenant.invitation.denied.v1", 1).get(0);
        assertEquals(JsonShape.ofExample("org.crosstenant.invitation.denied.v1"), JsonShape.of(denied.value()));

        // a later decision for an invitation that is no longer requested changes nothing
        Api.decide(id, "allow");
        String marker = Api.fileForBob();
        // same key as the stale decision: same partition, so it is consumed after it
        KafkaSupport.produce(KafkaSupport.DECISIONS, id, DECIDED, marker, Api.decision(marker, "deny", "marker"),
                UUID.randomUUID().toString());
        Api.awaitStatus(Tokens.contosoAdmin(), marker, "denied");
        Api.get(Tokens.contosoAdmin(), id).then().body("status", equalTo("denied"));
    }

    @Test
    void aDuplicateDecisionEventIsAppliedOnce() {
        String a = Api.fileForBob();
        String b = Api.fileForBob();
        String c = Api.fileForBob();
        String eventId = UUID.randomUUID().toString();
        // same key for all three so they share a partition and are consumed in this order
        KafkaSupport.produce(KafkaSupport.DECISIONS, a, DECIDED, a, Api.decision(a, "allow"), eventId);
        Api.awaitStatus(Tokens.fabrikamPartner(), a, "pending_acceptance");
        String code = Api.get(Tokens.fabrikamPartner(), a).then().extract().path("redemptionCode");
        // redelivery of the very same event: no second approval, no new code
        KafkaSupport.produce(KafkaSupport.DECISIONS, a, DECIDED, a, Api.decision(a, "allow"), eventId);
        // the same CloudEvent id carrying another invitation proves the inbox, not the state guard, skipped it
        KafkaSupport.produce(KafkaSupport.DECISIONS, a, DECIDED, b, Api.decision(b, "allow"), eventId);
        KafkaSupport.produce(KafkaSupport.DECISIONS, a, DECIDED, c, Api.decision(c, "allow"),
                UUID.randomUUID().toString());
        Api.awaitStatus(Tokens.fabrikamPartner(), c, "pending_acceptance");

        Api.get(Tokens.fabrikamPartner(), a).then().body("redemptionCode", equalTo(code));
        Api.get(Tokens.fabrikamPartner(), b).then().body("status", equalTo("requested"));
        KafkaSupport.awaitEvents(c, APPROVED, 1);
        long approvals = KafkaSupport.snapshot(KafkaSupport.INVITATIONS).stream()
                .filter(r -> a.equals(r.key()) && APPROVED.equals(KafkaSupport.header(r, "ce_type"))).count();
        assertEquals(1, approvals);
    }

    @Test
    void poisonGoesToTheDeadLetterTopicAndConsumptionGoesOn() {
        String garbageId = UUID.randomUUID().toString();
        KafkaSupport.produce(KafkaSupport.DECISIONS, "poison", DECIDED, "poison", "this is not json", garbageId);
        String unknownId = UUID.randomUUID().toString();
        String unknownInvitation = UUID.randomUUID().toString();
        KafkaSupport.produce(KafkaSupport.DECISIONS, unknownInvitation, DECIDED, unknownInvitation,
                Api.decision(unknownInvitation, "allow"), unknownId);

        List<ConsumerRecord<String, String>> dead = KafkaSupport.awaitRecords(KafkaSupport.DECISIONS_DLQ,
                r -> garbageId.equals(KafkaSupport.header(r, "ce_id"))
                        || unknownId.equals(KafkaSupport.header(r, "ce_id")), 2);
        ConsumerRecord<String, String> garbage = dead.stream()
                .filter(r -> garbageId.equals(KafkaSupport.header(r, "ce_id"))).findFirst().orElseThrow();
        assertEquals("this is not json", garbage.value());
        assertTrue(KafkaSupport.header(garbage, "dead-letter-reason") != null, "the failure travels along");

        // the consumer is still alive
        String id = Api.fileForBob();
        Api.decide(id, "deny", "after poison");
        Api.awaitStatus(Tokens.contosoAdmin(), id, "denied");
    }
}
