package org.crosstenant.invitation;

import org.crosstenant.platform.messaging.IsolatingApplier;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;

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
                // absolute, built from the request (ForwardedLocationTest: the gateway's public URL behind it)
                .body("redeemUrl", equalTo(io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port
                        + Api.BASE + "/" + id + "/redeem"))
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

    /**
     * Issue #7: reasons name the deciding rule of the reader's own side and, of the other side, only that it blocked.
     * The resource tenant reads its rule; the home tenant's partner system, its admin and the invitee read the shared
     * reasons, and so does everyone downstream of denied.v1 (both tenants' audit). A decision from before shared
     * reasons existed shows the home side a generic line, never the resource tenant's rule.
     */
    @Test
    void eachTenantReadsOnlyTheReasonsItMaySee() {
        String rule = "contoso inbound collaboration from fabrikam does not admit bob@fabrikam.example "
                + "(/inbound/collaboration/usersAndGroups: blocked list, partner)";
        String id = Api.fileForBob();
        var node = Api.decisionNode(id, "deny", rule);
        node.putArray("sharedReasons").add("contoso settings blocked it");
        KafkaSupport.produce(KafkaSupport.DECISIONS, id, DECIDED, id, node.toString(), java.util.UUID.randomUUID()
                .toString());
        Api.awaitStatus(Tokens.contosoAdmin(), id, "denied");
        Api.get(Tokens.contosoAdmin(), id).then().body("decision.reasons", contains(rule));
        for (String homeSide : List.of(Tokens.fabrikamPartner(), Tokens.fabrikamAdmin(), Tokens.bob())) {
            Api.get(homeSide, id).then().statusCode(200).body("decision.reasons", contains("contoso settings blocked it"));
        }
        ConsumerRecord<String, String> denied =
                KafkaSupport.awaitEvents(id, "org.crosstenant.invitation.denied.v1", 1).get(0);
        assertFalse(denied.value().contains("blocked list"), denied.value());
        assertTrue(denied.value().contains("contoso settings blocked it"), denied.value());

        String old = Api.fileForBob();
        var before = Api.decisionNode(old, "deny", rule);
        before.remove("sharedReasons");
        KafkaSupport.produce(KafkaSupport.DECISIONS, old, DECIDED, old, before.toString(), java.util.UUID.randomUUID()
                .toString());
        Api.awaitStatus(Tokens.contosoAdmin(), old, "denied");
        Api.get(Tokens.contosoAdmin(), old).then().body("decision.reasons", contains(rule));
        Api.get(Tokens.fabrikamPartner(), old).then()
                .body("decision.reasons", contains("contoso or fabrikam settings blocked it"));

        // the home side decided: Fabrikam reads its own rule, Contoso only that Fabrikam blocked it
        String homeRule = "fabrikam outbound collaboration to contoso does not admit bob@fabrikam.example "
                + "(/outbound/collaboration/usersAndGroups: blocked list, partner)";
        String byHome = Api.fileForBob();
        var home = Api.decisionNode(byHome, "deny", "fabrikam outbound settings blocked it");
        home.putArray("homeReasons").add(homeRule);
        KafkaSupport.produce(KafkaSupport.DECISIONS, byHome, DECIDED, byHome, home.toString(), java.util.UUID.randomUUID()
                .toString());
        Api.awaitStatus(Tokens.contosoAdmin(), byHome, "denied");
        Api.get(Tokens.contosoAdmin(), byHome).then().body("decision.reasons", contains("fabrikam outbound settings blocked it"));
        for (String homeSide : List.of(Tokens.fabrikamPartner(), Tokens.fabrikamAdmin())) {
            Api.get(homeSide, byHome).then().body("decision.reasons", contains(homeRule));
        }
        ConsumerRecord<String, String> deniedByHome =
                KafkaSupport.awaitEvents(byHome, "org.crosstenant.invitation.denied.v1", 1).get(0);
        assertFalse(deniedByHome.value().contains("blocked list"), deniedByHome.value());
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

    /**
     * A database failure is not poison: the decision waits (retried with back-off) until the database is back, then
     * applies once, and nothing reaches the dead-letter topic. The outage is real: the inbox table is renamed away.
     */
    @Test
    void aDatabaseFailureIsRetriedUntilItHealsNeverDeadLettered() throws Throwable {
        String id = Api.fileForBob();
        AtomicInteger retries = new AtomicInteger();
        Handler counter = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (String.valueOf(record.getMessage()).contains("not applied yet")) {
                    retries.incrementAndGet();
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger(IsolatingApplier.class.getName());
        log.addHandler(counter);
        String eventId = UUID.randomUUID().toString();
        ddl("alter table inbox rename to inbox_parked_by_test");
        try {
            KafkaSupport.produce(KafkaSupport.DECISIONS, id, DECIDED, id, Api.decision(id, "allow", "after outage"),
                    eventId);
            await().atMost(Duration.ofSeconds(30)).until(() -> retries.get() >= 2);
            Api.get(Tokens.fabrikamPartner(), id).then().statusCode(200).body("status", equalTo("requested"));
        } finally {
            ddl("alter table inbox_parked_by_test rename to inbox");
            log.removeHandler(counter);
        }
        Api.awaitStatus(Tokens.fabrikamPartner(), id, "pending_acceptance");
        KafkaSupport.awaitEvents(id, APPROVED, 1);
        assertFalse(KafkaSupport.snapshot(KafkaSupport.DECISIONS_DLQ).stream()
                .anyMatch(r -> eventId.equals(KafkaSupport.header(r, "ce_id"))), "a valid decision is never dead");
        long approvals = KafkaSupport.snapshot(KafkaSupport.INVITATIONS).stream()
                .filter(r -> id.equals(r.key()) && APPROVED.equals(KafkaSupport.header(r, "ce_type"))).count();
        assertEquals(1, approvals, "retries apply the decision once");
    }

    private static void ddl(String sql) throws Throwable {
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(
                () -> Panache.getSession().flatMap(s -> s.createNativeQuery(sql).executeUpdate())));
    }
}
