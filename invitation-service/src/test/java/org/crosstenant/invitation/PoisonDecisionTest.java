package org.crosstenant.invitation;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Every kind of malformed record on policy.decisions is dead-lettered with a reason and the consumer goes on: a valid
 * decision produced after them (same partition) is applied, and readiness stays UP.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "invitation"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class PoisonDecisionTest {

    static final String DECIDED = "org.crosstenant.policy.decided.v1";
    static final String CASE = "x-test-case";
    static final String KEY = "poison-" + UUID.randomUUID();

    /** One poison record: its headers (in order), key and value, and a fragment its dead-letter reason must hold. */
    record Poison(String name, String key, String value, List<Map.Entry<String, String>> headers, String reason) {
    }

    @Test
    void everyMalformedRecordIsDeadLetteredWithAReasonAndTheNextDecisionApplies() {
        String run = UUID.randomUUID().toString();
        String known = Api.fileForBob();
        String validPayload = Api.decision(known, "allow");
        List<Poison> poisons = List.of(
                new Poison("structured-bad-json", KEY, "{\"type\":",
                        List.of(Map.entry("content-type", "application/cloudevents+json")), "structured-mode"),
                new Poison("structured-valid-json", KEY, structured(known),
                        List.of(Map.entry("content-type", "application/cloudevents+json; charset=UTF-8")),
                        "structured-mode"),
                new Poison("no-ce-headers", KEY, validPayload, List.of(Map.entry("content-type", "application/json")),
                        "ce_specversion header missing"),
                new Poison("specversion-0.3", KEY, validPayload, ce("0.3", uuid(), DECIDED, "/p"), "ce_specversion 0.3"),
                new Poison("specversion-2.0", KEY, validPayload, ce("2.0", uuid(), DECIDED, "/p"), "ce_specversion 2.0"),
                new Poison("missing-id", KEY, validPayload, ce("1.0", null, DECIDED, "/p"), "ce_id"),
                new Poison("empty-id", KEY, validPayload, ce("1.0", "", DECIDED, "/p"), "ce_id"),
                new Poison("id-not-uuid", KEY, validPayload, ce("1.0", "not-a-uuid", DECIDED, "/p"),
                        "ce_id is not a UUID"),
                new Poison("missing-type", KEY, validPayload, ce("1.0", uuid(), null, "/p"), "ce_type"),
                new Poison("missing-source", KEY, validPayload, ce("1.0", uuid(), DECIDED, null), "ce_source"),
                new Poison("unknown-type", KEY, validPayload, ce("1.0", uuid(), "org.example.other.v1", "/p"),
                        "unknown ce_type"),
                new Poison("bad-json-data", KEY, "{\"decisionId\":", ce("1.0", uuid(), DECIDED, "/p"), "not JSON"),
                new Poison("json-not-object", KEY, "[1,2]", ce("1.0", uuid(), DECIDED, "/p"), "not a JSON object"),
                new Poison("missing-fields", KEY, "{\"outcome\":\"allow\"}", ce("1.0", uuid(), DECIDED, "/p"),
                        "lacks"),
                new Poison("null-value", KEY, null, ce("1.0", uuid(), DECIDED, "/p"), "empty decided.v1 payload"),
                new Poison("null-key", null, validPayload, ce("1.0", uuid(), DECIDED, "/p"), "without a key"));
        for (Poison p : poisons) {
            List<Map.Entry<String, String>> headers = new ArrayList<>(p.headers());
            headers.add(Map.entry(CASE, run + ":" + p.name()));
            KafkaSupport.produceRaw(KafkaSupport.DECISIONS, p.key(), p.value(), headers);
        }
        // a valid decision behind them on the same partition: applied only if the consumer moved on
        String after = Api.fileForBob();
        KafkaSupport.produce(KafkaSupport.DECISIONS, KEY, DECIDED, after, Api.decision(after, "deny", "after poison"),
                uuid());
        Api.awaitStatus(Tokens.contosoAdmin(), after, "denied");

        Map<String, ConsumerRecord<String, String>> dead = KafkaSupport.awaitRecords(KafkaSupport.DECISIONS_DLQ,
                r -> String.valueOf(KafkaSupport.header(r, CASE)).startsWith(run + ":"), poisons.size()).stream()
                .collect(Collectors.toMap(r -> KafkaSupport.header(r, CASE).substring(run.length() + 1), r -> r,
                        (a, b) -> a, LinkedHashMap::new));
        for (Poison p : poisons) {
            ConsumerRecord<String, String> d = dead.get(p.name());
            assertNotNull(d, p.name() + " is on the dead-letter topic");
            String reason = KafkaSupport.header(d, "dead-letter-reason");
            assertNotNull(reason, p.name() + " carries a reason");
            assertTrue(reason.contains(p.reason()), p.name() + ": reason '" + reason + "' names " + p.reason());
            assertEquals(p.value(), d.value(), p.name() + " keeps its value");
        }
        // none of the poison applied the decision they carried for `known`
        Api.get(Tokens.contosoAdmin(), known).then().statusCode(200).body("status", equalTo("requested"));
        // the channel is still alive and says so
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.status", hasItem("UP"));
    }

    /** A CloudEvents extension attribute (CloudEvents 1.0 allows any) does not make a decision poison. */
    @Test
    void anExtensionAttributeIsAccepted() {
        String id = Api.fileForBob();
        List<Map.Entry<String, String>> headers = new ArrayList<>(ce("1.0", uuid(), DECIDED, "/p"));
        headers.add(Map.entry("ce_traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
        headers.add(Map.entry("content-type", "application/json"));
        KafkaSupport.produceRaw(KafkaSupport.DECISIONS, id, Api.decision(id, "allow"), headers);
        Api.awaitStatus(Tokens.fabrikamPartner(), id, "pending_acceptance");
    }

    private static List<Map.Entry<String, String>> ce(String specVersion, String id, String type, String source) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        if (specVersion != null) {
            headers.add(Map.entry("ce_specversion", specVersion));
        }
        if (id != null) {
            headers.add(Map.entry("ce_id", id));
        }
        if (type != null) {
            headers.add(Map.entry("ce_type", type));
        }
        if (source != null) {
            headers.add(Map.entry("ce_source", source));
        }
        headers.add(Map.entry("ce_time", Instant.now().toString()));
        return headers;
    }

    private static String structured(String invitationId) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + uuid() + "\",\"type\":\"" + DECIDED
                + "\",\"source\":\"/p\",\"datacontenttype\":\"application/json\",\"data\":"
                + Api.decision(invitationId, "allow") + "}";
    }

    private static String uuid() {
        return UUID.randomUUID().toString();
    }
}
