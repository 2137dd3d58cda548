package org.crosstenant.policy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The invitations-in channel (policy-service's only incoming channel) survives every kind of malformed record: each
 * lands on invitations.events.dlq.policy-service with a dead-letter-reason naming the problem, and a valid request
 * produced after all of them is still decided.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "policy"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class PoisonRecordsTest {

    private static final String MARKER = "test-poison-marker";

    /** One kind of poison: how to spoil a valid record, and a fragment its dead-letter reason must contain. */
    private record Kind(String name, String reason, Consumer<Record> spoil) {
    }

    /** A mutable valid record (binary-mode requested.v1) that a Kind spoils. */
    private static final class Record {
        String key;
        String value;
        final Map<String, String> headers = new LinkedHashMap<>();
    }

    @Test
    void everyKindOfPoisonIsDeadLetteredWithAReasonAndConsumptionGoesOn() {
        DecisionFlowTest.Pair pair = DecisionFlowTest.Pair.configured("allowed");
        List<Kind> kinds = List.of(
                new Kind("structured mode, bad JSON", "structured-mode", r -> {
                    r.headers.clear();
                    r.headers.put("content-type", "application/cloudevents+json; charset=UTF-8");
                    r.value = "{\"type\":";
                }),
                new Kind("structured mode, well-formed", "structured-mode", r -> {
                    r.headers.clear();
                    r.headers.put("content-type", "application/cloudevents+json");
                    r.value = new JsonObject().put("specversion", "1.0").put("id", UUID.randomUUID().toString())
                            .put("source", "/x").put("type", DecisionFlowTest.REQUESTED)
                            .put("data", new JsonObject(r.value)).encode();
                }),
                new Kind("missing ce_id", "ce_id", r -> r.headers.remove("ce_id")),
                new Kind("ce_id not a UUID", "ce_id", r -> r.headers.put("ce_id", "not-a-uuid")),
                new Kind("missing ce_source", "ce_source", r -> r.headers.remove("ce_source")),
                new Kind("missing ce_type", "ce_type", r -> r.headers.remove("ce_type")),
                new Kind("missing ce_specversion", "ce_specversion", r -> r.headers.remove("ce_specversion")),
                new Kind("ce_specversion 0.3", "ce_specversion 0.3", r -> r.headers.put("ce_specversion", "0.3")),
                new Kind("ce_specversion 2.0", "ce_specversion 2.0", r -> r.headers.put("ce_specversion", "2.0")),
                new Kind("null ce_id header value", "ce_id", r -> r.headers.put("ce_id", null)),
                new Kind("invalid attribute name", "ce_Bad-Name", r -> r.headers.put("ce_Bad-Name", "x")),
                new Kind("ce_time not RFC 3339", "ce_time", r -> r.headers.put("ce_time", "yesterday")),
                new Kind("content-type not JSON", "not JSON", r -> r.headers.put("content-type", "text/plain")),
                new Kind("unknown type", "unknown event type", r -> r.headers.put("ce_type", "com.example.evil.v1")),
                new Kind("bad JSON data", "not JSON", r -> r.value = "{\"invitationId\":"),
                new Kind("JSON data not an object", "not a JSON object", r -> r.value = "[1, 2]"),
                new Kind("data missing fields", "invitee", r -> r.value = new JsonObject(r.value)
                        .put("invitee", (Object) null).encode()),
                new Kind("null value", "null value", r -> r.value = null),
                new Kind("null value of another type", "null value",
                        r -> {
                            r.headers.put("ce_type", "org.crosstenant.invitation.revoked.v1");
                            r.value = null;
                        }),
                new Kind("null key", "no key", r -> r.key = null),
                new Kind("key is not the invitation id", "not the invitation id",
                        r -> r.key = UUID.randomUUID().toString()));

        for (Kind kind : kinds) {
            Record record = valid(pair);
            kind.spoil.accept(record);
            record.headers.put(MARKER, kind.name);
            KafkaSupport.produceRaw(DecisionFlowTest.INVITATIONS, record.key, record.value, record.headers);
        }

        UUID next = DecisionFlowTest.request(pair, "valid@" + pair.home() + ".example", UUID.randomUUID().toString());
        assertEquals("allow", new JsonObject(DecisionFlowTest.awaitDecision(next).value()).getString("outcome"));

        for (Kind kind : kinds) {
            ConsumerRecord<String, String> dead = KafkaSupport.awaitRecord(DecisionFlowTest.DLQ,
                    r -> kind.name.equals(KafkaSupport.header(r, MARKER)));
            String reason = KafkaSupport.header(dead, "dead-letter-reason");
            assertNotNull(reason, kind.name + ": no dead-letter-reason header");
            assertTrue(reason.contains(kind.reason), kind.name + ": reason was " + reason);
        }
    }

    private static Record valid(DecisionFlowTest.Pair pair) {
        UUID invitation = UUID.randomUUID();
        Record record = new Record();
        record.key = invitation.toString();
        record.value = DecisionFlowTest.requestedPayload(pair, invitation, "poison@" + pair.home() + ".example");
        record.headers.put("ce_specversion", "1.0");
        record.headers.put("ce_id", UUID.randomUUID().toString());
        record.headers.put("ce_type", DecisionFlowTest.REQUESTED);
        record.headers.put("ce_source", "/crosstenant/invitation-service");
        record.headers.put("ce_subject", record.key);
        record.headers.put("ce_time", Instant.now().toString());
        record.headers.put("content-type", "application/json");
        return record;
    }
}
