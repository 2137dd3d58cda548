package org.crosstenant.policy;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/** Plain Kafka clients against the test broker: produce as invitation-service would, read what we published. */
final class KafkaSupport {

    private KafkaSupport() {
    }

    static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    /** Produces a binary-mode CloudEvent the way SmallRye writes one. */
    static void produceCloudEvent(String topic, String key, String ceId, String ceType, String payload) {
        produceAtOnce(List.of(cloudEvent(topic, key, ceId, ceType, payload)));
    }

    /** A binary-mode CloudEvent record as SmallRye writes one ({@code ceId} null: no ce_id header). */
    static ProducerRecord<String, String> cloudEvent(String topic, String key, String ceId, String ceType,
                                                     String payload) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, payload);
        header(record, "ce_specversion", "1.0");
        if (ceId != null) {
            header(record, "ce_id", ceId);
        }
        header(record, "ce_type", ceType);
        header(record, "ce_source", "/crosstenant/invitation-service");
        header(record, "ce_subject", key);
        header(record, "ce_time", Instant.now().toString());
        header(record, "content-type", "application/json");
        return record;
    }

    /**
     * Produces the records as ONE producer batch per partition (long linger, large batch size, one flush): the
     * broker appends each such batch atomically, so a consumer's poll returns all of it or none of it.
     */
    static void produceAtOnce(List<ProducerRecord<String, String>> records) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "60000");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(1 << 20));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (ProducerRecord<String, String> record : records) {
                sent.add(producer.send(record));
            }
            producer.flush();
            for (java.util.concurrent.Future<?> future : sent) {
                future.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not produce " + records.size() + " record(s)", e);
        }
    }

    /** Produces one record exactly as given: any key, value and headers, nulls included (a null header value too). */
    static void produceRaw(String topic, String key, String value, Map<String, String> headers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, value);
            headers.forEach((name, headerValue) -> record.headers().add(name,
                    headerValue == null ? null : headerValue.getBytes(StandardCharsets.UTF_8)));
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not produce to " + topic, e);
        }
    }

    private static void header(ProducerRecord<String, String> record, String name, String value) {
        record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Waits until the topic holds a record matching {@code match}, and returns it. */
    static ConsumerRecord<String, String> awaitRecord(String topic, Predicate<ConsumerRecord<String, String>> match) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            found.clear();
            found.addAll(records(topic, match));
            return !found.isEmpty();
        });
        return found.get(0);
    }

    /** Every record of the topic (from the beginning) that matches. */
    static List<ConsumerRecord<String, String>> records(String topic, Predicate<ConsumerRecord<String, String>> match) {
        return records(topic, new StringDeserializer(), new StringDeserializer(), match);
    }

    /**
     * Waits until the topic holds a record matching {@code match}, read as bytes (no decoding, so bytes that are not
     * UTF-8 are seen as they are), and returns it.
     */
    static ConsumerRecord<byte[], byte[]> awaitRawRecord(String topic, Predicate<ConsumerRecord<byte[], byte[]>> match) {
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            found.clear();
            found.addAll(records(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer(), match));
            return !found.isEmpty();
        });
        return found.get(0);
    }

    /** Produces one record of raw bytes: any key, value and header bytes, UTF-8 or not. */
    static void produceBytes(String topic, byte[] key, byte[] value, Map<String, byte[]> headers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key, value);
            headers.forEach((name, headerValue) -> record.headers().add(name, headerValue));
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not produce to " + topic, e);
        }
    }

    private static <K, V> List<ConsumerRecord<K, V>> records(String topic, Deserializer<K> keys, Deserializer<V> values,
                                                             Predicate<ConsumerRecord<K, V>> match) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<K, V>> matching = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(props, keys, values)) {
            // assign (no group): no rebalance delay; partitionsFor also creates a missing topic
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (partitions == null || partitions.isEmpty()) {
                return matching;
            }
            List<TopicPartition> assigned = partitions.stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> end = consumer.endOffsets(assigned);
            while (assigned.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<K, V> record : consumer.poll(Duration.ofMillis(200))) {
                    if (match.test(record)) {
                        matching.add(record);
                    }
                }
            }
        }
        return matching;
    }
}
