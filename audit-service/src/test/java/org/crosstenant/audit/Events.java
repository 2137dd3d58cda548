package org.crosstenant.audit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.crosstenant.stack.infra.testing.KafkaTestResource;

/** Talks to the test broker as the other services (producers) and a SIEM (consumer) would. */
final class Events {

    private Events() {
    }

    /** Sends a binary-mode CloudEvent the way SmallRye writes it and waits for the broker's ack. */
    static void send(String topic, String key, UUID id, String type, String payload) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps())) {
            ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, payload);
            if (id != null) {
                header(record, "ce_id", id.toString());
            }
            header(record, "ce_specversion", "1.0");
            if (type != null) {
                header(record, "ce_type", type);
            }
            header(record, "ce_source", "/crosstenant/test");
            header(record, "ce_subject", key);
            header(record, "ce_time", Instant.now().toString());
            header(record, "content-type", "application/json");
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not produce to " + topic, e);
        }
    }

    /**
     * Sends a record exactly as given (any headers, null key or value allowed) and waits for the broker's ack;
     * for poison that no well-behaved producer writes.
     */
    static void sendRaw(String topic, String key, String value, Map<String, String> headers) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps())) {
            ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, value);
            headers.forEach((name, headerValue) -> header(record, name, headerValue));
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not produce to " + topic, e);
        }
    }

    /** The headers of a valid binary-mode CloudEvent of {@code type}, as a mutable map to spoil. */
    /** Produces one record of raw bytes: any key, value and header bytes, UTF-8 or not. */
    static void sendBytes(String topic, byte[] key, byte[] value, Map<String, byte[]> headers) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(),
                new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key, value);
            headers.forEach((name, headerValue) -> record.headers().add(name, headerValue));
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not produce to " + topic, e);
        }
    }

    static Map<String, String> binaryHeaders(String type) {
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        headers.put("ce_id", UUID.randomUUID().toString());
        headers.put("ce_specversion", "1.0");
        headers.put("ce_type", type);
        headers.put("ce_source", "/crosstenant/test");
        headers.put("ce_time", Instant.now().toString());
        headers.put("content-type", "application/json");
        return headers;
    }

    static UUID send(String topic, String key, String type, String payload) {
        UUID id = UUID.randomUUID();
        send(topic, key, id, type, payload);
        return id;
    }

    private static void header(ProducerRecord<String, String> record, String name, String value) {
        record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Everything on {@code topic} so far, from the beginning (fresh group each time). */
    static List<ConsumerRecord<String, String>> readAll(String topic, Predicate<ConsumerRecord<String, String>> until,
            Duration timeout) {
        List<ConsumerRecord<String, String>> seen = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, String> consumer = fromStart(topic)) {
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    seen.add(record);
                }
                if (seen.stream().anyMatch(until)) {
                    // one more short poll: messages sent together (one per tenant) arrive together
                    consumer.poll(Duration.ofMillis(300)).forEach(seen::add);
                    return seen;
                }
            }
        }
        return seen;
    }

    /**
     * Reads {@code topic} from the start until every one of {@code each} has matched a record (or the time-out), and
     * returns what it read. Unlike {@link #readAll}, records of one publication that sit on different partitions are
     * all waited for: behind other tests' records, one partition may be read well ahead of another.
     */
    @SafeVarargs
    static List<ConsumerRecord<String, String>> readUntilEach(String topic, Duration timeout,
            Predicate<ConsumerRecord<String, String>>... each) {
        List<ConsumerRecord<String, String>> seen = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, String> consumer = fromStart(topic)) {
            while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                if (java.util.Arrays.stream(each).allMatch(wanted -> seen.stream().anyMatch(wanted))) {
                    return seen;
                }
            }
        }
        return seen;
    }

    /** A consumer of {@code topic} in a fresh group, from the earliest offset. */
    private static KafkaConsumer<String, String> fromStart(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "audit-test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props);
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static Properties producerProps() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return props;
    }

    // ---- payloads (shapes from docs/topics.md; the producers' own examples are checked in ProducerContractTest)

    static String requested(String invitationId, String resourceTenant, String homeTenant, String application) {
        return """
                {"invitationId": "%s", "resourceTenant": "%s", "application": "%s",
                 "invitee": {"tenant": "%s", "email": "bob@%s.example"},
                 "requestedBy": {"tenant": "%s", "subject": "partner-bot", "email": null},
                 "requestedByRole": "collab-partner", "expiresAt": "2030-01-01T00:00:00Z",
                 "occurredAt": "%s"}""".formatted(invitationId, resourceTenant, application, homeTenant, homeTenant,
                homeTenant, Instant.now());
    }

    /** Appends one {@link #decidedInput} directly (no Kafka) and waits for its record. */
    static org.crosstenant.audit.model.AuditRecord appendDecided(org.crosstenant.audit.service.AuditLog auditLog,
            org.crosstenant.audit.messaging.AuditEventTranslator translator, String resource, String home) {
        return auditLog.append(List.of(decidedInput(translator, resource, home))).await()
                .atMost(Duration.ofSeconds(60)).get(0);
    }

    /** A policy decision between two tenants, translated as the consumer would, ready for {@code AuditLog.append}. */
    static org.crosstenant.audit.model.AuditInput decidedInput(
            org.crosstenant.audit.messaging.AuditEventTranslator translator, String resource, String home) {
        UUID id = UUID.randomUUID();
        String type = "org.crosstenant.policy.decided.v1";
        String payload = decided(id.toString(), resource, home, resource + "-projects", "allow");
        return new org.crosstenant.audit.model.AuditInput(
                new org.crosstenant.audit.model.IncomingEvent("policy.decisions", id, type, payload),
                translator.translate(type, payload));
    }

    static String decided(String invitationId, String resourceTenant, String homeTenant, String application,
            String outcome) {
        return """
                {"decisionId": "%s", "invitationId": "%s", "resourceTenant": "%s", "homeTenant": "%s",
                 "application": "%s", "inviteeEmail": "bob@%s.example", "outcome": "%s", "reasons": ["test"],
                 "policyVersions": {"%s": 1, "%s": 2}, "occurredAt": "%s"}""".formatted(UUID.randomUUID(),
                invitationId, resourceTenant, homeTenant, application, homeTenant, outcome, resourceTenant, homeTenant,
                Instant.now());
    }

    /** access-withdrawn.v1 (issue #8): a change of {@code changedTenant}'s settings ended a grant. */
    static String withdrawn(String invitationId, String resourceTenant, String homeTenant, String changedTenant) {
        return """
                {"withdrawalId": "%s", "invitationId": "%s", "resourceTenant": "%s", "homeTenant": "%s",
                 "application": "contoso-projects", "inviteeEmail": "bob@%s.example", "previousStatus": "accepted",
                 "cause": "policy-changed", "changedTenant": "%s", "reasons": ["rule of the resource tenant"],
                 "sharedReasons": ["%s outbound settings blocked it"], "homeReasons": ["rule of the home tenant"],
                 "policyVersions": {"%s": 1, "%s": 2}, "occurredAt": "%s"}""".formatted(UUID.randomUUID(), invitationId,
                resourceTenant, homeTenant, homeTenant, changedTenant, homeTenant, resourceTenant, homeTenant,
                Instant.now());
    }

    /** revoked.v1 as invitation-service writes it when a settings change ended the grant (issue #8). */
    static String revokedByPolicyChange(String invitationId, String resourceTenant, String homeTenant) {
        return """
                {"invitationId": "%s", "resourceTenant": "%s", "application": "contoso-projects",
                 "invitee": {"tenant": "%s", "email": "bob@%s.example"}, "guest": null,
                 "revokedBy": {"tenant": "%s", "subject": "system:policy-changed", "email": null},
                 "reason": "policy-changed", "reasons": ["fabrikam outbound settings blocked it"],
                 "withdrawalId": "%s", "occurredAt": "%s"}""".formatted(invitationId, resourceTenant, homeTenant,
                homeTenant, homeTenant, UUID.randomUUID(), Instant.now());
    }

    static String settingsChanged(String tenant, String partner, int version) {
        return """
                {"tenant": "%s", "partner": "%s", "version": %d,
                 "settings": {"inbound": {"collaboration": {"users": {"access": "allowed", "targets": ["all"]},
                              "applications": {"access": "allowed", "targets": ["all"]}}}},
                 "changedBy": {"tenant": "%s", "subject": "admin", "email": "admin@%s.example"},
                 "occurredAt": "%s"}""".formatted(tenant, partner, version, tenant, tenant, Instant.now());
    }

    static String applicationRegistered(String tenant, String application) {
        return """
                {"tenant": "%s", "application": "%s", "upstreamUrl": "http://127.0.0.1:8090", "version": 1,
                 "registeredBy": {"tenant": "%s", "subject": "admin", "email": "admin@%s.example"},
                 "occurredAt": "%s"}""".formatted(tenant, application, tenant, tenant, Instant.now());
    }

    /** An aggregated access-allowed event as the gateway writes it (requestCount, firstAt, lastAt, session). */
    static String accessAggregated(String resourceTenant, String homeTenant, String application, int requestCount,
            String session) {
        Instant now = Instant.now();
        return """
                {"resourceTenant": "%s", "homeTenant": "%s", "application": "%s", "subject": "bob-sub",
                 "email": "bob@%s.example", "guest": true, "method": "GET", "path": "/apps/%s/%s/x",
                 "reason": "grant", "occurredAt": "%s", "requestCount": %d, "firstAt": "%s", "lastAt": "%s",
                 "session": "%s"}""".formatted(resourceTenant, homeTenant, application, homeTenant, resourceTenant,
                application, now, requestCount, now.minusSeconds(30), now, session);
    }

    static String access(String resourceTenant, String homeTenant, String application, String reason) {
        return """
                {"resourceTenant": "%s", "homeTenant": "%s", "application": "%s", "subject": "bob-sub",
                 "email": "bob@%s.example", "guest": true, "method": "GET", "path": "/apps/%s/%s/x",
                 "reason": "%s", "occurredAt": "%s"}""".formatted(resourceTenant, homeTenant, application, homeTenant,
                resourceTenant, application, reason, Instant.now());
    }

}
