package org.crosstenant.invitation;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
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

    /**
     * Keys, values and headers are decoded as strict UTF-8 (RFC 3629): on policy.decisions, a value holding each kind
     * of malformed UTF-8 and a ce_id header that is not UTF-8 are dead-lettered with a reason saying so (never applied
     * with U+FFFD in place of the bytes), keeping the original bytes (the value's in SmallRye's
     * {@code deserialization-failure-data} header, the ce_id as it came); on policy.events (SmallRye's dead-letter
     * strategy) the dead letter's value is the original bytes. The next decision applies and liveness stays UP
     * (SmallRye would turn it DOWN for good on a deserialization failure without the platform's handler).
     */
    @Test
    void bytesThatAreNotUtf8AreDeadLetteredAndTheChannelsStayAlive() {
        String run = UUID.randomUUID().toString();
        String known = Api.fileForBob();
        byte[] valid = utf8(Api.decision(known, "allow"));
        // C3 28: a lead byte without continuation; FF: never UTF-8; C0 AF: overlong '/'; ED A0 80: surrogate U+D800
        Map<String, byte[]> values = new LinkedHashMap<>();
        values.put("value C3 28", splice(valid, new byte[] {(byte) 0xC3, 0x28}));
        values.put("value FF", splice(valid, new byte[] {(byte) 0xFF}));
        values.put("value C0 AF", splice(valid, new byte[] {(byte) 0xC0, (byte) 0xAF}));
        values.put("value ED A0 80", splice(valid, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}));
        values.forEach((name, value) -> KafkaSupport.produceBytes(KafkaSupport.DECISIONS, utf8(KEY), value,
                headerBytes(ce("1.0", uuid(), DECIDED, "/p"), run + ":" + name)));
        byte[] badId = {'a', (byte) 0xED, (byte) 0xA0, (byte) 0x80};
        List<Map.Entry<String, byte[]>> badIdHeaders = headerBytes(ce("1.0", uuid(), DECIDED, "/p"), run + ":ce_id");
        badIdHeaders.add(Map.entry("ce_id", badId));
        KafkaSupport.produceBytes(KafkaSupport.DECISIONS, utf8(KEY), valid, badIdHeaders);
        byte[] settings = splice(utf8("{\"tenant\":\"contoso\"}"), new byte[] {(byte) 0xFF});
        KafkaSupport.produceBytes("policy.events", utf8("contoso"), settings,
                headerBytes(ce("1.0", uuid(), "org.crosstenant.policy.access-settings-changed.v2", "/p"),
                        run + ":policy.events"));

        String after = Api.fileForBob();
        KafkaSupport.produce(KafkaSupport.DECISIONS, KEY, DECIDED, after, Api.decision(after, "deny", "after poison"),
                uuid());
        Api.awaitStatus(Tokens.contosoAdmin(), after, "denied");

        Map<String, ConsumerRecord<byte[], byte[]>> dead = KafkaSupport.awaitRawRecords(KafkaSupport.DECISIONS_DLQ,
                r -> String.valueOf(KafkaSupport.rawHeader(r, CASE)).startsWith(run + ":"), values.size() + 1).stream()
                .collect(Collectors.toMap(r -> KafkaSupport.rawHeader(r, CASE).substring(run.length() + 1), r -> r,
                        (a, b) -> a, LinkedHashMap::new));
        values.forEach((name, original) -> {
            ConsumerRecord<byte[], byte[]> d = dead.get(name);
            assertNotNull(d, name + " is on the dead-letter topic");
            String reason = KafkaSupport.rawHeader(d, "dead-letter-reason");
            assertTrue(reason != null && reason.contains("not valid UTF-8"), name + ": reason was " + reason);
            assertArrayEquals(original, d.headers().lastHeader("deserialization-failure-data").value(),
                    name + " keeps its original bytes");
        });
        ConsumerRecord<byte[], byte[]> deadId = dead.get("ce_id");
        assertNotNull(deadId, "the ce_id record is on the dead-letter topic");
        String reason = KafkaSupport.rawHeader(deadId, "dead-letter-reason");
        assertTrue(reason != null && reason.contains("header ce_id is not valid UTF-8"), "reason was " + reason);
        assertArrayEquals(badId, deadId.headers().lastHeader("ce_id").value());

        ConsumerRecord<byte[], byte[]> deadSettings = KafkaSupport.awaitRawRecords("policy.events.dlq.invitation-service",
                r -> (run + ":policy.events").equals(KafkaSupport.rawHeader(r, CASE)), 1).get(0);
        String settingsReason = KafkaSupport.rawHeader(deadSettings, "dead-letter-reason");
        assertTrue(settingsReason != null && settingsReason.contains("not valid UTF-8"), "reason was " + settingsReason);
        assertArrayEquals(settings, deadSettings.value(), "the policy.events dead letter keeps the original bytes");

        // none of them applied the decision they carried for `known`
        Api.get(Tokens.contosoAdmin(), known).then().statusCode(200).body("status", equalTo("requested"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The JSON's bytes with {@code bad} inserted after its first '"', inside the first member name. */
    private static byte[] splice(byte[] json, byte[] bad) {
        int at = new String(json, StandardCharsets.UTF_8).indexOf('"') + 1;
        byte[] out = new byte[json.length + bad.length];
        System.arraycopy(json, 0, out, 0, at);
        System.arraycopy(bad, 0, out, at, bad.length);
        System.arraycopy(json, at, out, at + bad.length, json.length - at);
        return out;
    }

    private static List<Map.Entry<String, byte[]>> headerBytes(List<Map.Entry<String, String>> headers, String testCase) {
        List<Map.Entry<String, byte[]>> out = new ArrayList<>();
        headers.forEach(h -> out.add(Map.entry(h.getKey(), utf8(h.getValue()))));
        out.add(Map.entry("content-type", utf8("application/json")));
        out.add(Map.entry(CASE, utf8(testCase)));
        return out;
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
