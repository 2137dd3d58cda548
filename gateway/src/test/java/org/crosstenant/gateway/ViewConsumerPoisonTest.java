package org.crosstenant.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.crosstenant.gateway.support.Kafka;
import org.crosstenant.gateway.support.OidcRealmsTestResource;
import org.crosstenant.gateway.support.TenantTokens;
import org.crosstenant.gateway.support.UpstreamTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Each view consumer survives any malformed record: it is dead-lettered to {@code <topic>.dlq.gateway} with a
 * reason, and the next valid event is still applied. Records are written with a raw KafkaProducer to the real test
 * broker, so nothing on the way makes them well-formed.
 */
@QuarkusTest
@QuarkusTestResource(OidcRealmsTestResource.class)
@QuarkusTestResource(UpstreamTestResource.class)
@QuarkusTestResource(KafkaTestResource.class)
class ViewConsumerPoisonTest {

    private static final String REDEEMED = "org.crosstenant.invitation.redeemed.v1";
    private static final String REGISTERED = "org.crosstenant.policy.application-registered.v1";

    /** A record as a producer might (wrongly) write it: key, value and headers all optional. */
    record Raw(String key, String value, Map<String, String> headers) {
    }

    @Test
    void invitationEventsConsumerDeadLettersPoisonAndKeepsApplyingGrants() {
        String app = "poison-inv-" + UUID.randomUUID().toString().substring(0, 8);
        PathSmugglingTest.registerApplication(app, TenantTokens.value("test.upstream.url") + "/app");
        String invitation = UUID.randomUUID().toString();
        String subject = "bob-" + UUID.randomUUID();
        String good = PathSmugglingTest.redeemedPayload(invitation, app, subject);

        Map<String, Raw> poison = poison(invitation, REDEEMED, "/crosstenant/invitation", good,
                "{\"invitationId\": \"" + invitation + "\", \"resourceTenant\": \"contoso\"}");
        String ignoredMarker = send("invitations.events", new Raw(invitation, good,
                ce("org.crosstenant.invitation.something-new.v7", "/crosstenant/invitation")));
        Map<String, String> markers = send("invitations.events", poison);
        assertKeylessRefused("invitations.events", good, REDEEMED);
        PathSmugglingTest.redeem(invitation, app, subject);

        String bob = TenantTokens.token("fabrikam", subject, "bob@fabrikam.example");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(bob)
                .get("/apps/contoso/" + app + "/x").then().statusCode(200));
        assertDeadLettered("invitations.events.dlq.gateway", markers, ignoredMarker);
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void policyEventsConsumerDeadLettersPoisonAndKeepsApplyingRegistrations() {
        String app = "poison-pol-" + UUID.randomUUID().toString().substring(0, 8);
        String good = """
                {"tenant": "contoso", "application": "%s", "upstreamUrl": "%s", "version": 1,
                 "registeredBy": {"tenant": "contoso", "subject": "alice", "email": "alice@contoso.example"},
                 "occurredAt": "%s"}""".formatted(app, TenantTokens.value("test.upstream.url") + "/app", Instant.now());
        Map<String, Raw> poison = poison("contoso", REGISTERED, "/crosstenant/policy", good,
                "{\"tenant\": \"contoso\", \"application\": \"" + app + "\"}");
        poison.put("upstream URL that is not http(s)", new Raw("contoso", good.replace("http://", "file://"),
                ce(REGISTERED, "/crosstenant/policy")));
        String ignoredMarker = send("policy.events", new Raw("contoso", good,
                ce("org.crosstenant.policy.something-new.v3", "/crosstenant/policy")));
        Map<String, String> markers = send("policy.events", poison);
        assertKeylessRefused("policy.events", good, REGISTERED);
        PathSmugglingTest.registerApplication(app, TenantTokens.value("test.upstream.url") + "/app");

        String alice = TenantTokens.token("contoso", "alice", "alice@contoso.example");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(alice)
                .get("/apps/contoso/" + app + "/x").then().statusCode(200));
        assertDeadLettered("policy.events.dlq.gateway", markers, ignoredMarker);
        given().get("/q/health/ready").then().statusCode(200);
    }

    /**
     * Keys, values and headers are decoded as strict UTF-8 (RFC 3629): on each view topic, a value holding each kind of
     * malformed UTF-8 and a ce_id header that is not UTF-8 are dead-lettered with a reason saying so (never applied
     * with U+FFFD in place of the bytes), the dead letter's value is the original bytes, the next valid event is
     * applied, and liveness stays UP (SmallRye would turn it DOWN for good on a deserialization failure without the
     * platform's handler).
     */
    @Test
    void bytesThatAreNotUtf8AreDeadLetteredAndTheViewConsumersStayAlive() {
        String app = "utf8-" + UUID.randomUUID().toString().substring(0, 8);
        String upstream = TenantTokens.value("test.upstream.url") + "/app";
        String registered = """
                {"tenant": "contoso", "application": "%s", "upstreamUrl": "%s", "version": 1,
                 "registeredBy": {"tenant": "contoso", "subject": "alice", "email": "alice@contoso.example"},
                 "occurredAt": "%s"}""".formatted(app, upstream, Instant.now());
        String invitation = UUID.randomUUID().toString();
        String subject = "bob-" + UUID.randomUUID();
        String redeemed = PathSmugglingTest.redeemedPayload(invitation, app, subject);

        Map<String, byte[]> policyBad = sendNotUtf8("policy.events", "contoso", REGISTERED, "/crosstenant/policy",
                registered);
        Map<String, byte[]> invitationBad = sendNotUtf8("invitations.events", invitation, REDEEMED,
                "/crosstenant/invitation", redeemed);
        PathSmugglingTest.registerApplication(app, upstream);
        PathSmugglingTest.redeem(invitation, app, subject);

        String bob = TenantTokens.token("fabrikam", subject, "bob@fabrikam.example");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(bob)
                .get("/apps/contoso/" + app + "/x").then().statusCode(200));
        assertDeadLetteredWithBytes("policy.events.dlq.gateway", policyBad);
        assertDeadLetteredWithBytes("invitations.events.dlq.gateway", invitationBad);
        given().get("/q/health/live").then().statusCode(200).body("status", org.hamcrest.Matchers.equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", org.hamcrest.Matchers.equalTo("UP"));
    }

    /**
     * Sends, keyed like the valid event, the valid payload with each kind of malformed UTF-8 spliced into its first
     * member name (C3 28: a lead byte without continuation; FF: never UTF-8; C0 AF: overlong '/'; ED A0 80: surrogate
     * U+D800), then the valid payload with a ce_id that is not UTF-8; returns marker → the bytes the dead letter must
     * keep (the value, or for the ce_id record the header's bytes under marker + " ce_id").
     */
    private static Map<String, byte[]> sendNotUtf8(String topic, String key, String type, String source, String good) {
        byte[] valid = good.getBytes(StandardCharsets.UTF_8);
        Map<String, byte[]> expected = new LinkedHashMap<>();
        for (byte[] bad : List.of(new byte[] {(byte) 0xC3, 0x28}, new byte[] {(byte) 0xFF},
                new byte[] {(byte) 0xC0, (byte) 0xAF}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})) {
            int at = good.indexOf('"') + 1;
            byte[] value = new byte[valid.length + bad.length];
            System.arraycopy(valid, 0, value, 0, at);
            System.arraycopy(bad, 0, value, at, bad.length);
            System.arraycopy(valid, at, value, at + bad.length, valid.length - at);
            String marker = UUID.randomUUID().toString();
            Kafka.produceBytes(topic, key.getBytes(StandardCharsets.UTF_8), value, headerBytes(ce(type, source), marker));
            expected.put(marker, value);
        }
        String marker = UUID.randomUUID().toString();
        Map<String, byte[]> headers = headerBytes(ce(type, source), marker);
        byte[] badId = {'a', (byte) 0xED, (byte) 0xA0, (byte) 0x80};
        headers.put("ce_id", badId);
        Kafka.produceBytes(topic, key.getBytes(StandardCharsets.UTF_8), valid, headers);
        expected.put(marker, valid);
        expected.put(marker + " ce_id", badId);
        return expected;
    }

    private static Map<String, byte[]> headerBytes(Map<String, String> headers, String marker) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        headers.forEach((name, value) -> out.put(name, value.getBytes(StandardCharsets.UTF_8)));
        out.put("test-marker", marker.getBytes(StandardCharsets.UTF_8));
        return out;
    }

    private static void assertDeadLetteredWithBytes(String dlq, Map<String, byte[]> expected) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Map<String, ConsumerRecord<byte[], byte[]>> byMarker = Kafka.readAllRaw(dlq).stream()
                    .filter(r -> r.headers().lastHeader("test-marker") != null)
                    .collect(Collectors.toMap(r -> new String(r.headers().lastHeader("test-marker").value(),
                            StandardCharsets.UTF_8), r -> r, (a, b) -> a));
            expected.forEach((marker, bytes) -> {
                if (marker.endsWith(" ce_id")) {
                    ConsumerRecord<byte[], byte[]> dead = byMarker.get(marker.substring(0, marker.length() - 6));
                    assertTrue(dead != null, "the ce_id record is on " + dlq);
                    assertTrue(reason(dead).contains("header ce_id is not valid UTF-8"), reason(dead));
                    org.junit.jupiter.api.Assertions.assertArrayEquals(bytes, dead.headers().lastHeader("ce_id").value());
                    return;
                }
                ConsumerRecord<byte[], byte[]> dead = byMarker.get(marker);
                assertTrue(dead != null, "every record that is not UTF-8 is on " + dlq);
                assertTrue(reason(dead).contains("not valid UTF-8"), reason(dead));
                org.junit.jupiter.api.Assertions.assertArrayEquals(bytes, dead.value(), "the original bytes are kept");
            });
        });
    }

    private static String reason(ConsumerRecord<byte[], byte[]> record) {
        var header = record.headers().lastHeader("dead-letter-reason");
        return header == null ? "(no dead-letter-reason)" : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The kinds of malformed record, each keyed like the valid event so it sits before it in the partition. */
    private static Map<String, Raw> poison(String key, String type, String source, String good, String incomplete) {
        Map<String, Raw> poison = new LinkedHashMap<>();
        poison.put("structured mode, broken JSON (the issue's record)", new Raw(key, "{\"type\":",
                Map.of("content-type", "application/cloudevents+json")));
        poison.put("structured mode, well-formed", new Raw(key, "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\""
                + type + "\",\"source\":\"" + source + "\",\"data\":" + good + "}",
                Map.of("content-type", "application/cloudevents+json; charset=UTF-8")));
        poison.put("no CloudEvents headers at all", new Raw(key, good, Map.of("content-type", "application/json")));
        poison.put("ce_specversion 0.3", new Raw(key, good, with(ce(type, source), "ce_specversion", "0.3")));
        poison.put("ce_specversion 2.0", new Raw(key, good, with(ce(type, source), "ce_specversion", "2.0")));
        poison.put("ce_id missing", new Raw(key, good, without(ce(type, source), "ce_id")));
        poison.put("ce_source missing", new Raw(key, good, without(ce(type, source), "ce_source")));
        poison.put("ce_type missing", new Raw(key, good, without(ce(type, source), "ce_type")));
        poison.put("ce_type blank", new Raw(key, good, with(ce(type, source), "ce_type", " ")));
        poison.put("bad JSON data", new Raw(key, good.substring(0, good.length() / 2), ce(type, source)));
        poison.put("JSON but not an object", new Raw(key, "[1, 2]", ce(type, source)));
        poison.put("JSON null", new Raw(key, "null", ce(type, source)));
        poison.put("required fields missing", new Raw(key, incomplete, ce(type, source)));
        poison.put("null value", new Raw(key, null, ce(type, source)));
        return poison;
    }

    private static Map<String, String> ce(String type, String source) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("ce_specversion", "1.0");
        headers.put("ce_id", UUID.randomUUID().toString());
        headers.put("ce_type", type);
        headers.put("ce_source", source);
        headers.put("ce_time", Instant.now().toString());
        headers.put("content-type", "application/json");
        return headers;
    }

    private static Map<String, String> with(Map<String, String> headers, String name, String value) {
        headers.put(name, value);
        return headers;
    }

    private static Map<String, String> without(Map<String, String> headers, String name) {
        headers.remove(name);
        return headers;
    }

    /** Sends each record with a unique {@code test-marker} header; returns description → marker. */
    private static Map<String, String> send(String topic, Map<String, Raw> records) {
        Map<String, String> markers = new LinkedHashMap<>();
        records.forEach((what, raw) -> markers.put(what, send(topic, raw)));
        return markers;
    }

    private static String send(String topic, Raw raw) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TenantTokens.value("kafka.bootstrap.servers"));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        String marker = UUID.randomUUID().toString();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            ProducerRecord<String, String> record = new ProducerRecord<>(topic, raw.key(), raw.value());
            raw.headers().forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
            record.headers().add("test-marker", marker.getBytes(StandardCharsets.UTF_8));
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return marker;
    }

    /**
     * The view topics are compacted, so the broker itself refuses a record without a key (the consumer would
     * dead-letter one that a topic with another cleanup policy let through).
     */
    private static void assertKeylessRefused(String topic, String good, String type) {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> send(topic, new Raw(null, good, ce(type, "/crosstenant/test"))));
        assertInstanceOf(InvalidRecordException.class, refused.getCause().getCause(), refused.toString());
    }

    private static void assertDeadLettered(String dlq, Map<String, String> markers, String ignoredMarker) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Map<String, ConsumerRecord<String, String>> byMarker = Kafka.readAll(dlq).stream()
                    .filter(r -> Kafka.header(r, "test-marker") != null)
                    .collect(Collectors.toMap(r -> Kafka.header(r, "test-marker"), r -> r, (a, b) -> a));
            List<String> missing = markers.entrySet().stream().filter(e -> !byMarker.containsKey(e.getValue()))
                    .map(Map.Entry::getKey).toList();
            assertEquals(List.of(), missing, "every poison record is on " + dlq);
            markers.forEach((what, marker) -> {
                String reason = Kafka.header(byMarker.get(marker), "dead-letter-reason");
                assertTrue(reason != null && !reason.isBlank(), what + " is dead-lettered with a reason");
            });
            assertFalse(byMarker.containsKey(ignoredMarker), "a type the gateway does not use is ignored");
        });
    }
}
