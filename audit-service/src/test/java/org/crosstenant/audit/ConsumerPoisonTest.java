package org.crosstenant.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import io.quarkus.test.junit.QuarkusTest;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.crosstenant.platform.model.HostileJson;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every consumer channel survives any malformed record: against the real test broker, a run of poison records of
 * every kind is followed by a valid event; the valid event must be appended, and every poison record must be on the
 * channel's dead-letter topic with a reason saying what was wrong.
 */
@QuarkusTest
class ConsumerPoisonTest {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String CASE = "x-test-case";

    /** A poison record: key, value and headers to send, and what its dead-letter reason must mention. */
    record Poison(String key, String value, Map<String, String> headers, String reasonMentions) {
    }

    /** The type of a valid event of a topic, and a valid payload for it with the given id inside. */
    record Valid(String type, Function<String, String> payload) {
    }

    private static Valid validFor(String topic) {
        return switch (topic) {
            case "invitations.events" -> new Valid("org.crosstenant.invitation.requested.v1",
                    inv -> Events.requested(inv, "contoso", "fabrikam", "contoso-projects"));
            case "policy.decisions" -> new Valid("org.crosstenant.policy.decided.v1",
                    inv -> Events.decided(inv, "contoso", "fabrikam", "contoso-projects", "deny"));
            case "policy.events" -> new Valid("org.crosstenant.policy.application-registered.v1",
                    inv -> Events.applicationRegistered("contoso", "app-" + inv.substring(0, 8)));
            case "gateway.access" -> new Valid("org.crosstenant.gateway.access-allowed.v1",
                    inv -> Events.access("contoso", "fabrikam", "app-" + inv.substring(0, 8), "grant"));
            default -> throw new IllegalArgumentException(topic);
        };
    }

    private static Map<String, Poison> poisonFor(String topic, String marker) {
        Valid valid = validFor(topic);
        String good = valid.payload().apply(UUID.randomUUID().toString());
        Map<String, Poison> cases = new LinkedHashMap<>();
        cases.put("structured-garbage", new Poison(marker, "{\"type\":",
                Map.of("content-type", "application/cloudevents+json"), "structured"));
        Map<String, String> missingId = Events.binaryHeaders(valid.type());
        missingId.remove("ce_id");
        cases.put("missing-id", new Poison(marker, good, missingId, "ce_id"));
        Map<String, String> badId = Events.binaryHeaders(valid.type());
        badId.put("ce_id", "not-a-uuid");
        cases.put("id-not-uuid", new Poison(marker, good, badId, "ce_id"));
        Map<String, String> missingSpec = Events.binaryHeaders(valid.type());
        missingSpec.remove("ce_specversion");
        cases.put("missing-specversion", new Poison(marker, good, missingSpec, "ce_specversion"));
        Map<String, String> oldSpec = Events.binaryHeaders(valid.type());
        oldSpec.put("ce_specversion", "0.3");
        cases.put("specversion-0.3", new Poison(marker, good, oldSpec, "0.3"));
        Map<String, String> missingSource = Events.binaryHeaders(valid.type());
        missingSource.remove("ce_source");
        cases.put("missing-source", new Poison(marker, good, missingSource, "ce_source"));
        Map<String, String> unknownAttribute = Events.binaryHeaders(valid.type());
        unknownAttribute.put("ce_tele-port", "yes");
        cases.put("invalid-attribute-name", new Poison(marker, good, unknownAttribute, "ce_tele-port"));
        cases.put("unknown-type", new Poison(marker, good,
                Events.binaryHeaders("org.crosstenant.invitation.teleported.v1"), "unknown event type"));
        cases.put("bad-json", new Poison(marker, "{not json", Events.binaryHeaders(valid.type()), "not JSON"));
        cases.put("json-array", new Poison(marker, "[1, 2]", Events.binaryHeaders(valid.type()), "not a JSON object"));
        cases.put("null-value", new Poison(marker, null, Events.binaryHeaders(valid.type()), "no value"));
        cases.put("null-key", new Poison(null, good, Events.binaryHeaders(valid.type()), "no key"));
        // hostile JSON text of every family (duplicate members, NUL, unpaired surrogates, nesting, numbers, trailing
        // content, not an object), generated from the valid payload; byte-level UTF-8 faults cannot travel through the
        // String serializer and are covered by platform's StrictJsonInputTest
        for (HostileJson.Sample sample : HostileJson.variants(good)) {
            String text = utf8(sample.body());
            if (text != null) {
                cases.put("hostile: " + sample.name(), new Poison(marker, text, Events.binaryHeaders(valid.type()),
                        "JSON"));
            }
        }
        if (topic.equals("policy.decisions")) {
            // issue #8: a withdrawal is checked as strictly as a decision
            String withdrawal = Events.withdrawn(UUID.randomUUID().toString(), "contoso", "fabrikam", "fabrikam");
            String type = "org.crosstenant.policy.access-withdrawn.v1";
            cases.put("withdrawal-third-tenant", new Poison(marker, withdrawal.replace("\"changedTenant\": \"fabrikam\"",
                    "\"changedTenant\": \"northwind\""), Events.binaryHeaders(type), "changedTenant"));
            cases.put("withdrawal-id-not-uuid", new Poison(marker, withdrawal.replaceFirst(
                    "\"withdrawalId\": \"[^\"]+\"", "\"withdrawalId\": \"w-1\""), Events.binaryHeaders(type),
                    "withdrawalId"));
            cases.put("withdrawal-ended-status", new Poison(marker, withdrawal.replace("\"accepted\"", "\"expired\""),
                    Events.binaryHeaders(type), "previousStatus"));
            cases.put("withdrawal-reasons-not-array", new Poison(marker, withdrawal.replace("\"sharedReasons\": [",
                    "\"sharedReasons\": 1, \"x\": ["), Events.binaryHeaders(type), "sharedReasons"));
        }
        if (topic.equals("invitations.events")) {
            // issue #8: the optional members of a revocation by a settings change keep their form
            String revoked = Events.revokedByPolicyChange(UUID.randomUUID().toString(), "contoso", "fabrikam");
            String type = "org.crosstenant.invitation.revoked.v1";
            cases.put("revoked-withdrawal-id", new Poison(marker, revoked.replaceFirst(
                    "\"withdrawalId\": \"[^\"]+\"", "\"withdrawalId\": 12"), Events.binaryHeaders(type),
                    "withdrawalId"));
            cases.put("revoked-reasons", new Poison(marker, revoked.replace("\"reasons\": [\"fabrikam outbound settings blocked it\"]",
                    "\"reasons\": [{}]"), Events.binaryHeaders(type), "reasons"));
            cases.put("denied-previous-status", new Poison(marker, Events.requested(UUID.randomUUID().toString(),
                    "contoso", "fabrikam", "contoso-projects").replaceFirst("\\}\\s*$",
                    ", \"decisionId\": \"d\", \"cause\": \"policy-changed\", \"previousStatus\": \"revoked\"}"),
                    Events.binaryHeaders("org.crosstenant.invitation.denied.v1"), "previousStatus"));
        }
        if (topic.equals("gateway.access")) {
            cases.put("negative-count", new Poison(marker, good.replaceFirst("\\}\\s*$", ", \"requestCount\": -1}"),
                    Events.binaryHeaders(valid.type()), "requestCount"));
            cases.put("text-count", new Poison(marker, good.replaceFirst("\\}\\s*$", ", \"requestCount\": \"many\"}"),
                    Events.binaryHeaders(valid.type()), "requestCount"));
            cases.put("negative-suppressed", new Poison(marker, Events.access("contoso", "fabrikam", "x", "no grant")
                    .replaceFirst("\\}\\s*$", ", \"suppressedCount\": -3}"),
                    Events.binaryHeaders("org.crosstenant.gateway.access-denied.v1"), "suppressedCount"));
        }
        return cases;
    }

    /** The bytes as text when they are UTF-8, else null. */
    private static String utf8(byte[] bytes) {
        try {
            return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "invitations.events", "policy.decisions", "policy.events", "gateway.access" })
    void poisonIsDeadLetteredWithAReasonAndTheNextEventIsAppended(String topic) {
        String marker = "poison-" + UUID.randomUUID();
        Map<String, Poison> cases = poisonFor(topic, marker);
        cases.forEach((name, poison) -> {
            Map<String, String> headers = new LinkedHashMap<>(poison.headers());
            headers.put(CASE, marker + "/" + name);
            Events.sendRaw(topic, poison.key(), poison.value(), headers);
        });
        String inv = UUID.randomUUID().toString();
        Valid valid = validFor(topic);
        UUID validId = Events.send(topic, inv, valid.type(), valid.payload().apply(inv));

        await().atMost(WAIT).untilAsserted(() -> assertThat(Auditors.records("contoso", Map.of("type",
                valid.type()))).extracting(r -> r.get("sourceEventId")).contains(validId.toString()));

        java.util.Set<String> seen = new java.util.HashSet<>();
        List<ConsumerRecord<String, String>> dead = Events.readAll(topic + ".dlq.audit-service", r -> {
            String testCase = Events.header(r, CASE);
            if (testCase != null && testCase.startsWith(marker + "/")) {
                seen.add(testCase);
            }
            return seen.size() == cases.size();
        }, WAIT);
        cases.forEach((name, poison) -> assertThat(dead).as(topic + " " + name)
                .filteredOn(r -> (marker + "/" + name).equals(Events.header(r, CASE)))
                .singleElement()
                .satisfies(r -> {
                    assertThat(Events.header(r, "dead-letter-reason")).as(name).contains(poison.reasonMentions());
                    assertThat(Events.header(r, "dead-letter-topic")).isEqualTo(topic);
                    assertThat(r.key()).isEqualTo(poison.key());
                    assertThat(r.value()).isEqualTo(poison.value());
                }));
    }

    /**
     * Keys, values and headers are decoded as strict UTF-8 (RFC 3629): a value holding each kind of malformed UTF-8 and
     * a ce_id header that is not UTF-8 are dead-lettered with a reason saying so (never appended with U+FFFD in place
     * of the bytes); the dead letter keeps the original bytes (the value's in SmallRye's
     * {@code deserialization-failure-data} header, the ce_id as it came), the next event is appended, and liveness
     * stays UP (SmallRye turns it DOWN for good on a deserialization failure without the platform's handler).
     */
    @ParameterizedTest
    @ValueSource(strings = { "invitations.events", "policy.decisions", "policy.events", "gateway.access" })
    void bytesThatAreNotUtf8AreDeadLetteredAndTheChannelStaysAlive(String topic) {
        String marker = "utf8-" + UUID.randomUUID();
        Valid valid = validFor(topic);
        String good = valid.payload().apply(UUID.randomUUID().toString());
        // C3 28: a lead byte without continuation; FF: never UTF-8; C0 AF: overlong '/'; ED A0 80: surrogate U+D800
        Map<String, byte[]> values = new LinkedHashMap<>();
        values.put("value C3 28", splice(good, new byte[] {(byte) 0xC3, 0x28}));
        values.put("value FF", splice(good, new byte[] {(byte) 0xFF}));
        values.put("value C0 AF", splice(good, new byte[] {(byte) 0xC0, (byte) 0xAF}));
        values.put("value ED A0 80", splice(good, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}));
        values.forEach((name, value) -> Events.sendBytes(topic, bytes(marker), value,
                headerBytes(Events.binaryHeaders(valid.type()), marker + "/" + name)));
        Map<String, byte[]> badId = headerBytes(Events.binaryHeaders(valid.type()), marker + "/ce_id");
        badId.put("ce_id", new byte[] {'a', (byte) 0xED, (byte) 0xA0, (byte) 0x80});
        Events.sendBytes(topic, bytes(marker), bytes(good), badId);
        String inv = UUID.randomUUID().toString();
        UUID validId = Events.send(topic, inv, valid.type(), valid.payload().apply(inv));

        await().atMost(WAIT).untilAsserted(() -> assertThat(Auditors.records("contoso", Map.of("type",
                valid.type()))).extracting(r -> r.get("sourceEventId")).contains(validId.toString()));

        java.util.Set<String> seen = new java.util.HashSet<>();
        List<ConsumerRecord<String, String>> dead = Events.readAll(topic + ".dlq.audit-service", r -> {
            String testCase = Events.header(r, CASE);
            if (testCase != null && testCase.startsWith(marker + "/")) {
                seen.add(testCase);
            }
            return seen.size() == values.size() + 1;
        }, WAIT);
        values.forEach((name, original) -> assertThat(dead).as(topic + " " + name)
                .filteredOn(r -> (marker + "/" + name).equals(Events.header(r, CASE)))
                .singleElement()
                .satisfies(r -> {
                    assertThat(Events.header(r, "dead-letter-reason")).as(name).contains("not valid UTF-8");
                    assertThat(r.value()).isNull();
                    assertThat(r.headers().lastHeader("deserialization-failure-data").value()).isEqualTo(original);
                }));
        assertThat(dead).filteredOn(r -> (marker + "/ce_id").equals(Events.header(r, CASE))).singleElement()
                .satisfies(r -> {
                    assertThat(Events.header(r, "dead-letter-reason")).contains("header ce_id is not valid UTF-8");
                    assertThat(r.headers().lastHeader("ce_id").value()).isEqualTo(badId.get("ce_id"));
                    assertThat(r.value()).isEqualTo(good);
                });
        io.restassured.RestAssured.given().get("/q/health/live").then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("UP"));
        io.restassured.RestAssured.given().get("/q/health/ready").then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("UP"));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The JSON's bytes with {@code bad} inserted after its first '"', inside the first member name. */
    private static byte[] splice(String json, byte[] bad) {
        byte[] text = bytes(json);
        int at = json.indexOf('"') + 1;
        byte[] out = new byte[text.length + bad.length];
        System.arraycopy(text, 0, out, 0, at);
        System.arraycopy(bad, 0, out, at, bad.length);
        System.arraycopy(text, at, out, at + bad.length, text.length - at);
        return out;
    }

    private static Map<String, byte[]> headerBytes(Map<String, String> headers, String testCase) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        headers.forEach((name, value) -> out.put(name, bytes(value)));
        out.put(CASE, bytes(testCase));
        return out;
    }
}
