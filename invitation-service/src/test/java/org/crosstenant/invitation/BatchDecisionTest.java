package org.crosstenant.invitation;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.crosstenant.invitation.KafkaSupport.Raw;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The decision consumer works on whole polls: records produced together (one producer request, one key, so one
 * partition and one broker-side batch) arrive in one batch. Duplicates inside the batch and across batches apply once,
 * poison interleaved with valid decisions is dead-lettered record by record while the valid ones commit.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "invitation"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class BatchDecisionTest {

    static final String DECIDED = "org.crosstenant.policy.decided.v1";
    static final String APPROVED = "org.crosstenant.invitation.approved.v1";
    static final String DENIED = "org.crosstenant.invitation.denied.v1";
    static final String CASE = "x-test-case";

    @Test
    void duplicatesApplyOnceAndInterleavedPoisonIsDeadLetteredAlone() {
        String run = UUID.randomUUID().toString();
        String key = "batch-" + run;
        String a = Api.fileForBob();
        String b = Api.fileForBob();
        String c = Api.fileForBob();
        String d = Api.fileForBob();
        String eventA = uuid();
        String eventB = uuid();
        String unknownInvitation = uuid();

        List<Raw> first = List.of(
                valid(key, eventA, Api.decision(a, "allow")),
                poison(key, run, "bad-json", ce(uuid(), DECIDED), "{\"decisionId\":"),
                // the same event again within the batch: a redelivery
                valid(key, eventA, Api.decision(a, "allow")),
                valid(key, eventB, Api.decision(b, "deny", "batch deny")),
                poison(key, run, "unknown-invitation", ce(uuid(), DECIDED), Api.decision(unknownInvitation, "allow")),
                // eventA's id carrying c: only the inbox (not the state guard) can tell it is a duplicate
                valid(key, eventA, Api.decision(c, "allow")),
                poison(key, run, "missing-type", ce(uuid(), null), Api.decision(d, "deny")),
                valid(key, uuid(), Api.decision(d, "allow")));
        KafkaSupport.produceTogether(KafkaSupport.DECISIONS, first);

        // d is the last record: once it is applied, every record before it on the partition was handled
        Api.awaitStatus(Tokens.fabrikamPartner(), d, "pending_acceptance");
        String codeA = Api.get(Tokens.fabrikamPartner(), a).then().statusCode(200)
                .body("status", equalTo("pending_acceptance")).extract().path("redemptionCode");
        assertNotNull(codeA);
        Api.get(Tokens.fabrikamPartner(), b).then().body("status", equalTo("denied"));
        Api.get(Tokens.fabrikamPartner(), c).then().body("status", equalTo("requested"));

        // a second batch redelivers eventA and eventB (now with another outcome), then decides c for real
        List<Raw> second = List.of(
                valid(key, eventA, Api.decision(a, "allow")),
                valid(key, eventB, Api.decision(b, "allow")),
                valid(key, uuid(), Api.decision(c, "deny", "decided at last")));
        KafkaSupport.produceTogether(KafkaSupport.DECISIONS, second);
        Api.awaitStatus(Tokens.contosoAdmin(), c, "denied");

        Api.get(Tokens.fabrikamPartner(), a).then().body("redemptionCode", equalTo(codeA));
        Api.get(Tokens.fabrikamPartner(), b).then().body("status", equalTo("denied"))
                .body("decision.reasons[0]", equalTo("batch deny"));

        // c's denial was published after a's and b's events: a snapshot now holds all of them
        KafkaSupport.awaitEvents(c, DENIED, 1);
        List<ConsumerRecord<String, String>> events = KafkaSupport.snapshot(KafkaSupport.INVITATIONS);
        assertEquals(1, count(events, a, APPROVED), "a approved once");
        assertEquals(0, count(events, a, DENIED));
        assertEquals(1, count(events, b, DENIED), "b denied once");
        assertEquals(0, count(events, b, APPROVED));
        assertEquals(1, count(events, c, DENIED), "c decided once, by its own event");
        assertEquals(0, count(events, c, APPROVED), "eventA carrying c was skipped");
        assertEquals(1, count(events, d, APPROVED));

        // each poison record is on the dead-letter topic, alone, with its own reason
        Map<String, String> reasons = Map.of("bad-json", "not JSON", "unknown-invitation", "unknown invitation",
                "missing-type", "ce_type");
        List<ConsumerRecord<String, String>> dead = KafkaSupport.awaitRecords(KafkaSupport.DECISIONS_DLQ,
                r -> String.valueOf(KafkaSupport.header(r, CASE)).startsWith(run + ":"), reasons.size());
        for (Map.Entry<String, String> expected : reasons.entrySet()) {
            List<ConsumerRecord<String, String>> letters = dead.stream()
                    .filter(r -> (run + ":" + expected.getKey()).equals(KafkaSupport.header(r, CASE))).toList();
            assertEquals(1, letters.size(), expected.getKey() + " dead-lettered once");
            String reason = KafkaSupport.header(letters.get(0), "dead-letter-reason");
            assertNotNull(reason, expected.getKey() + " carries a reason");
            assertTrue(reason.contains(expected.getValue()), expected.getKey() + ": '" + reason + "'");
            assertEquals(key, letters.get(0).key(), "the dead letter keeps its key");
        }
        assertEquals(reasons.size(), dead.size(), "no valid decision was dead-lettered");
    }

    private static long count(List<ConsumerRecord<String, String>> events, String invitation, String type) {
        return events.stream()
                .filter(r -> invitation.equals(r.key()) && type.equals(KafkaSupport.header(r, "ce_type"))).count();
    }

    private static Raw valid(String key, String ceId, String payload) {
        List<Map.Entry<String, String>> headers = ce(ceId, DECIDED);
        headers.add(Map.entry("content-type", "application/json"));
        return new Raw(key, payload, headers);
    }

    private static Raw poison(String key, String run, String name, List<Map.Entry<String, String>> headers,
            String payload) {
        List<Map.Entry<String, String>> all = new ArrayList<>(headers);
        all.add(Map.entry(CASE, run + ":" + name));
        return new Raw(key, payload, all);
    }

    private static List<Map.Entry<String, String>> ce(String id, String type) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        headers.add(Map.entry("ce_specversion", "1.0"));
        headers.add(Map.entry("ce_id", id));
        if (type != null) {
            headers.add(Map.entry("ce_type", type));
        }
        headers.add(Map.entry("ce_source", "/crosstenant/policy-service"));
        headers.add(Map.entry("ce_time", Instant.now().toString()));
        return headers;
    }

    private static String uuid() {
        return UUID.randomUUID().toString();
    }
}
