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

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

    /**
     * Keys, values and headers are decoded as strict UTF-8: a value holding each kind of malformed UTF-8 (RFC 3629) and
     * a ce_id header that is not UTF-8 are dead-lettered with a reason saying so (never applied with U+FFFD in place of
     * the bytes), the dead letter keeps the original bytes, the valid request after them is decided, and liveness
     * stays UP (SmallRye would turn it DOWN for good on a deserialization failure without the platform's handler).
     */
    @Test
    void recordsThatAreNotUtf8AreDeadLetteredWithTheirBytesAndTheChannelStaysAlive() {
        DecisionFlowTest.Pair pair = DecisionFlowTest.Pair.configured("allowed");
        // C3 28: a lead byte without continuation; FF: never UTF-8; C0 AF: overlong '/'; ED A0 80: surrogate U+D800
        Map<String, byte[]> badBytes = new LinkedHashMap<>();
        badBytes.put("C3 28", new byte[] {(byte) 0xC3, 0x28});
        badBytes.put("FF", new byte[] {(byte) 0xFF});
        badBytes.put("C0 AF", new byte[] {(byte) 0xC0, (byte) 0xAF});
        badBytes.put("ED A0 80", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});

        Map<String, byte[]> values = new LinkedHashMap<>();
        badBytes.forEach((name, bad) -> {
            Record record = valid(pair);
            // the bytes go inside the JSON string, where a replaced U+FFFD would otherwise be stored silently
            byte[] value = spliceIntoInvitee(record.value, bad);
            values.put("value " + name, value);
            KafkaSupport.produceBytes(DecisionFlowTest.INVITATIONS, utf8(record.key), value,
                    headerBytes(record, "value " + name));
        });
        Record badId = valid(pair);
        Map<String, byte[]> headers = headerBytes(badId, "ce_id not UTF-8");
        headers.put("ce_id", new byte[] {'a', (byte) 0xED, (byte) 0xA0, (byte) 0x80});
        KafkaSupport.produceBytes(DecisionFlowTest.INVITATIONS, utf8(badId.key), utf8(badId.value), headers);

        UUID next = DecisionFlowTest.request(pair, "valid@" + pair.home() + ".example", UUID.randomUUID().toString());
        assertEquals("allow", new JsonObject(DecisionFlowTest.awaitDecision(next).value()).getString("outcome"));

        values.forEach((marker, original) -> {
            ConsumerRecord<byte[], byte[]> dead = KafkaSupport.awaitRawRecord(DecisionFlowTest.DLQ,
                    r -> marker.equals(rawHeader(r, MARKER)));
            String reason = rawHeader(dead, "dead-letter-reason");
            assertTrue(reason != null && reason.contains("not valid UTF-8"), marker + ": reason was " + reason);
            assertArrayEquals(original, dead.value(), marker + ": the dead letter must keep the original bytes");
        });
        ConsumerRecord<byte[], byte[]> deadId = KafkaSupport.awaitRawRecord(DecisionFlowTest.DLQ,
                r -> "ce_id not UTF-8".equals(rawHeader(r, MARKER)));
        String reason = rawHeader(deadId, "dead-letter-reason");
        assertTrue(reason != null && reason.contains("header ce_id is not valid UTF-8"), "reason was " + reason);
        assertArrayEquals(headers.get("ce_id"), deadId.headers().lastHeader("ce_id").value());

        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The value's bytes with {@code bad} inserted right after the invitee's first character. */
    private static byte[] spliceIntoInvitee(String value, byte[] bad) {
        byte[] json = utf8(value);
        int at = value.indexOf("poison@") + 1;
        byte[] out = new byte[json.length + bad.length];
        System.arraycopy(json, 0, out, 0, at);
        System.arraycopy(bad, 0, out, at, bad.length);
        System.arraycopy(json, at, out, at + bad.length, json.length - at);
        return out;
    }

    private static Map<String, byte[]> headerBytes(Record record, String marker) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        record.headers.forEach((name, value) -> out.put(name, utf8(value)));
        out.put(MARKER, utf8(marker));
        return out;
    }

    private static String rawHeader(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
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
