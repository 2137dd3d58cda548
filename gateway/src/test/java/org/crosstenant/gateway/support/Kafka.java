package org.crosstenant.gateway.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Plain Kafka clients speaking CloudEvents binary mode, as the producers and consumers of the platform do. */
public final class Kafka {

    private Kafka() {
    }

    private static String bootstrap() {
        return TenantTokens.value("kafka.bootstrap.servers");
    }

    public static void produce(String topic, String key, String type, String source, String payload) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, payload);
            header(record, "ce_specversion", "1.0");
            header(record, "ce_id", UUID.randomUUID().toString());
            header(record, "ce_type", type);
            header(record, "ce_source", source);
            header(record, "ce_subject", key);
            header(record, "ce_time", Instant.now().toString());
            header(record, "content-type", "application/json");
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Publishes, for each tenant, a default configuration (access-settings-changed.v2, partner null) that allows
     * collaboration both ways for everyone and every application — what a resource and a home tenant must have for
     * a guest grant to admit anyone (the built-in default blocks). Idempotent: the last event per tenant wins.
     */
    public static void allowCollaboration(String... tenants) {
        for (String tenant : tenants) {
            produce("policy.events", tenant + "/default", ViewTopicsResource.SETTINGS_CHANGED_V2,
                    ViewTopicsResource.SOURCE_POLICY, ViewTopicsResource.defaultSettings(tenant, 1,
                            ViewTopicsResource.COLLABORATION_BOTH_WAYS));
        }
    }

    private static void header(ProducerRecord<String, String> record, String name, String value) {
        record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Everything on the topic right now (reads from the beginning until a poll brings nothing). */
    public static List<ConsumerRecord<String, String>> readAll(String topic) {
        return readAll(topic, new StringDeserializer(), new StringDeserializer());
    }

    /** {@link #readAll(String)} as bytes: nothing decoded, so bytes that are not UTF-8 are seen as they are. */
    public static List<ConsumerRecord<byte[], byte[]>> readAllRaw(String topic) {
        return readAll(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Produces one record of raw bytes: key, value and header bytes that need not be UTF-8. */
    public static void produceBytes(String topic, byte[] key, byte[] value, Map<String, byte[]> headers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key, value);
            headers.forEach((name, bytes) -> record.headers().add(name, bytes));
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static <K, V> List<ConsumerRecord<K, V>> readAll(String topic, Deserializer<K> keys, Deserializer<V> values) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<K, V>> all = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(props, keys, values)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 15_000;
            boolean seen = false;
            while (System.currentTimeMillis() < deadline) {
                var records = consumer.poll(Duration.ofMillis(500));
                records.forEach(all::add);
                if (records.isEmpty() && (seen || !consumer.assignment().isEmpty())) {
                    break;
                }
                seen |= !records.isEmpty();
            }
        }
        return all;
    }

    public static String header(ConsumerRecord<String, String> record, String name) {
        var h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    public static Map<String, String> ceHeaders(ConsumerRecord<String, String> record) {
        Map<String, String> out = new java.util.TreeMap<>();
        record.headers().forEach(h -> out.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
        return out;
    }
}
