package org.crosstenant.invitation;

import static org.awaitility.Awaitility.await;

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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

/** Plain Kafka clients against the test broker: produce what other services would, read what this one published. */
public final class KafkaSupport {

    public static final String INVITATIONS = "invitations.events";
    public static final String DECISIONS = "policy.decisions";
    public static final String DECISIONS_DLQ = "policy.decisions.dlq.invitation-service";

    private KafkaSupport() {
    }

    static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    /** Produces a binary-mode CloudEvent the way SmallRye writes it; returns its ce_id. */
    public static String produce(String topic, String key, String type, String subject, String payload,
            String ceId) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, payload);
            header(record, "ce_specversion", "1.0");
            header(record, "ce_id", ceId);
            header(record, "ce_type", type);
            header(record, "ce_source", "/crosstenant/policy-service");
            header(record, "ce_subject", subject);
            header(record, "ce_time", Instant.now().toString());
            header(record, "content-type", "application/json");
            producer.send(record).get();
            return ceId;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Produces one record exactly as given (headers in order, null key or value allowed): for malformed input that no
     * well-behaved producer would write.
     */
    public static void produceRaw(String topic, String key, String value, List<Map.Entry<String, String>> headers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, value);
            headers.forEach(h -> header(record, h.getKey(), h.getValue()));
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Produces one record of raw bytes (headers in order): key, value and header bytes that need not be UTF-8. */
    public static void produceBytes(String topic, byte[] key, byte[] value, List<Map.Entry<String, byte[]>> headers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key, value);
            headers.forEach(h -> record.headers().add(h.getKey(), h.getValue()));
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads the topic from its beginning as bytes (nothing decoded, so bytes that are not UTF-8 are seen as they are)
     * until {@code atLeast} records match; returns all matching so far.
     */
    public static List<ConsumerRecord<byte[], byte[]>> awaitRawRecords(String topic,
            Predicate<ConsumerRecord<byte[], byte[]>> match, int atLeast) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(10)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (match.test(r)) {
                        found.add(r);
                    }
                }
                return found.size() >= atLeast;
            });
        }
        return found;
    }

    /** A header of a record read as bytes, as text (leniently: for test markers and reasons). */
    public static String rawHeader(ConsumerRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** A record to produce with {@link #produceTogether}: key, value and headers in order (nulls allowed). */
    public record Raw(String key, String value, List<Map.Entry<String, String>> headers) {
    }

    /**
     * Produces records with one producer in one request: all are handed to the producer before it may send (long
     * linger, then flush), so records with one key land in one broker-side record batch and are fetched by the
     * consumer in one poll.
     */
    public static void produceTogether(String topic, List<Raw> records) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "60000");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (Raw raw : records) {
                ProducerRecord<String, String> record = new ProducerRecord<>(topic, raw.key(), raw.value());
                raw.headers().forEach(h -> header(record, h.getKey(), h.getValue()));
                sent.add(producer.send(record));
            }
            producer.flush();
            for (java.util.concurrent.Future<?> f : sent) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void header(ProducerRecord<String, String> record, String name, String value) {
        record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    public static String header(ConsumerRecord<String, String> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Reads the topic from its beginning until the predicate holds for some record; returns all matching so far. */
    public static List<ConsumerRecord<String, String>> awaitRecords(String topic,
            Predicate<ConsumerRecord<String, String>> match, int atLeast) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(10)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (match.test(r)) {
                        found.add(r);
                    }
                }
                return found.size() >= atLeast;
            });
        }
        return found;
    }

    /** Records of one type for one invitation; waits until at least {@code atLeast} are there. */
    public static List<ConsumerRecord<String, String>> awaitEvents(String invitationId, String type, int atLeast) {
        return awaitRecords(INVITATIONS,
                r -> invitationId.equals(r.key()) && type.equals(header(r, "ce_type")), atLeast);
    }

    /**
     * Everything on the topic up to its current end offsets: a snapshot for "exactly n" assertions, taken after the
     * caller has awaited a later event that the relay can only have published after the ones counted.
     */
    public static List<ConsumerRecord<String, String>> snapshot(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<String, String>> all = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            if (partitions.isEmpty()) {
                return all; // the topic does not exist yet (e.g. nothing dead-lettered so far): nothing on it
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(all::add);
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
            });
        }
        return all;
    }
}
