package org.crosstenant.gateway.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.crosstenant.stack.infra.testing.KafkaTestResource;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Prepares the view topics on the shared test broker BEFORE the gateway starts, and points the gateway's two view
 * channels at them: what a gateway (re)starting on an old log finds. Plain Kafka clients, CloudEvents binary mode.
 * Helpers are static so the test class can call them too.
 */
public abstract class ViewTopicsResource implements QuarkusTestResourceLifecycleManager {

    public static final String SOURCE_POLICY = "/crosstenant/policy-service";
    public static final String SOURCE_INVITATION = "/crosstenant/invitation-service";
    public static final String REGISTERED = "org.crosstenant.policy.application-registered.v1";
    public static final String REMOVED = "org.crosstenant.policy.application-removed.v1";
    public static final String SETTINGS_CHANGED = "org.crosstenant.policy.access-settings-changed.v1";
    public static final String SETTINGS_CHANGED_V2 = "org.crosstenant.policy.access-settings-changed.v2";
    /** An effective configuration allowing collaboration in and out for all people and applications (no trust). */
    public static final String COLLABORATION_BOTH_WAYS = """
            {"inbound": {"collaboration": {"usersAndGroups": {"access": "allowed", "targets": ["all"]},
                                           "applications": {"access": "allowed", "targets": ["all"]}}},
             "outbound": {"collaboration": {"usersAndGroups": {"access": "allowed", "targets": ["all"]},
                                            "applications": {"access": "allowed", "targets": ["all"]}}}}""";
    public static final String REQUESTED = "org.crosstenant.invitation.requested.v1";
    public static final String REDEEMED = "org.crosstenant.invitation.redeemed.v1";
    public static final String REVOKED = "org.crosstenant.invitation.revoked.v1";

    /** Channel topic overrides for the gateway. */
    protected static Map<String, String> channels(String policyTopic, String invitationTopic) {
        return Map.of("mp.messaging.incoming.policy-events.topic", policyTopic,
                "mp.messaging.incoming.invitation-events.topic", invitationTopic);
    }

    @Override
    public void stop() {
        // the topics stay on the JVM-wide broker: their names are used by one test class only
    }

    public static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers()));
    }

    public static void createTopic(String name, int partitions, Map<String, String> configs) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create " + name, e);
        }
    }

    /** Sends binary-mode CloudEvents and waits for every acknowledgement. */
    public static void produce(String topic, List<ProducerRecord<String, String>> records) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (ProducerRecord<String, String> record : records) {
                producer.send(new ProducerRecord<>(topic, record.partition(), record.key(), record.value(),
                        record.headers())).get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot produce to " + topic, e);
        }
    }

    /**
     * Rolls the active segment of every partition (the cleaner never touches the active segment): one event of a type
     * the gateway ignores, key {@code roll}, sent to each partition explicitly.
     *
     * @param partitions the topic's partition count
     */
    public static void roll(String topic, int partitions) {
        List<ProducerRecord<String, String>> rolls = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            ProducerRecord<String, String> e = event("roll", "org.crosstenant.test.roll.v1", SOURCE_POLICY, "{}");
            rolls.add(new ProducerRecord<>(topic, p, e.key(), e.value(), e.headers()));
        }
        produce(topic, rolls);
    }

    /** One binary-mode CloudEvent (the topic is set by {@link #produce}). */
    public static ProducerRecord<String, String> event(String key, String type, String source, String payload) {
        ProducerRecord<String, String> record = new ProducerRecord<>("unset", key, payload);
        header(record, "ce_specversion", "1.0");
        header(record, "ce_id", UUID.randomUUID().toString());
        header(record, "ce_type", type);
        header(record, "ce_source", source);
        header(record, "ce_subject", key);
        header(record, "ce_time", Instant.now().toString());
        header(record, "content-type", "application/json");
        return record;
    }

    private static void header(ProducerRecord<String, String> record, String name, String value) {
        record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** application-registered.v1, keyed as policy-service keys it. */
    public static ProducerRecord<String, String> registered(String tenant, String app, String upstreamUrl,
            int version) {
        return event(tenant + "/applications/" + app, REGISTERED, SOURCE_POLICY, """
                {"tenant": "%s", "application": "%s", "upstreamUrl": "%s", "version": %d,
                 "registeredBy": {"tenant": "%s", "subject": "alice", "email": "alice@contoso.example"},
                 "occurredAt": "%s"}""".formatted(tenant, app, upstreamUrl, version, tenant, Instant.now()));
    }

    /** application-removed.v1 (issue #8), keyed as policy-service keys it. */
    public static ProducerRecord<String, String> removed(String tenant, String app, int version) {
        return event(tenant + "/applications/" + app, REMOVED, SOURCE_POLICY, """
                {"tenant": "%s", "application": "%s", "version": %d,
                 "removedBy": {"tenant": "%s", "subject": "alice", "email": "alice@contoso.example"},
                 "occurredAt": "%s"}""".formatted(tenant, app, version, tenant, Instant.now()));
    }

    /** The {@code ce_id} of an event built by {@link #event}. */
    public static String ceId(ProducerRecord<String, String> record) {
        return new String(record.headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8);
    }

    /**
     * access-settings-changed.v2 payload of a tenant's default configuration whose effective settings are
     * {@code effective} (a JSON object; members it leaves out are the built-in default's).
     */
    public static String defaultSettings(String tenant, int version, String effective) {
        return settings(tenant, null, version, effective);
    }

    /** access-settings-changed.v2 payload of a pair (partner null = the default), effective as given. */
    public static String settings(String tenant, String partner, int version, String effective) {
        return """
                {"tenant": "%s", "partner": %s, "version": %d, "defaultVersion": %d, "deleted": false,
                 "settings": %s, "effective": %s,
                 "changedBy": {"tenant": "%s", "subject": "admin", "email": "admin@%s.example"},
                 "occurredAt": "%s"}""".formatted(tenant, partner == null ? "null" : "\"" + partner + "\"",
                version, version, effective, effective, tenant, tenant, Instant.now());
    }

    /** The v2 event of a tenant's default configuration, keyed as policy-service keys it. */
    public static ProducerRecord<String, String> defaultSettingsEvent(String tenant, String effective) {
        return event(tenant + "/default", SETTINGS_CHANGED_V2, SOURCE_POLICY, defaultSettings(tenant, 1, effective));
    }

    /** An invitation event of contoso's application for a fabrikam guest, keyed by the invitation id. */
    public static ProducerRecord<String, String> invitation(String type, String invitationId, String app,
            String guestSubject, Instant grantExpiresAt) {
        return event(invitationId, type, SOURCE_INVITATION, """
                {"invitationId": "%s", "resourceTenant": "contoso", "application": "%s",
                 "invitee": {"tenant": "fabrikam", "email": "%s@fabrikam.example"},
                 "guest": {"tenant": "fabrikam", "issuer": "https://idp.fabrikam.example", "subject": "%s",
                           "email": "%s@fabrikam.example"},
                 "requestedBy": {"tenant": "contoso", "subject": "alice", "email": "alice@contoso.example"},
                 "revokedBy": {"tenant": "contoso", "subject": "alice", "email": "alice@contoso.example"},
                 "requestedByRole": "collab-admin", "expiresAt": "%s",
                 "grantExpiresAt": "%s", "occurredAt": "%s"}""".formatted(invitationId, app, guestSubject,
                guestSubject, guestSubject, grantExpiresAt, grantExpiresAt, Instant.now()));
    }

    /** Everything on the topic now, from the beginning, as (key, ce_type) pairs in offset order per partition. */
    public static List<String> keyAndTypes(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end");
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    var type = r.headers().lastHeader("ce_type");
                    seen.add(r.key() + " " + (type == null ? null : new String(type.value(), StandardCharsets.UTF_8)));
                }
            }
        }
        return seen;
    }
}
