package org.crosstenant.bench;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Raw Kafka clients of the harness: no consumer group (partitions assigned by hand), latency-first settings. */
final class Kafka {

    private final String bootstrap;

    Kafka(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** A producer that waits for all in-sync replicas and sends at once ({@code linger.ms} 0 unless given). */
    KafkaProducer<String, String> producer(int lingerMs) {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        properties.put(ProducerConfig.CLIENT_ID_CONFIG, "crosstenant-bench");
        return new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer());
    }

    /** A consumer of String keys and raw values, not in any group: the caller assigns partitions. */
    KafkaConsumer<String, byte[]> consumer() {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "crosstenant-bench");
        return new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** Every partition of the topics, assigned to the consumer, positioned at their ends (only new records). */
    static List<TopicPartition> assignAtEnd(KafkaConsumer<?, ?> consumer, Collection<String> topics) {
        List<TopicPartition> partitions = partitions(consumer, topics);
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve the end now, not at the first poll
        return partitions;
    }

    static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, Collection<String> topics) {
        return topics.stream().flatMap(topic -> consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(topic, info.partition()))).toList();
    }

    /** Creates the topic (replication factor 1) unless it exists. */
    void ensureTopic(String topic, int partitions) {
        try (Admin admin = admin()) {
            Set<String> existing = admin.listTopics().names().get();
            if (!existing.contains(topic)) {
                admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + topic, e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Member ids of a consumer group that hold at least one partition right now.
     *
     * @param admin  an open admin client of this broker
     * @param group  the group id
     * @return the member ids (empty for an unknown or empty group)
     * @throws IllegalStateException if the broker cannot describe the group
     */
    static Set<String> assignedMembers(Admin admin, String group) {
        try {
            var description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
            Set<String> members = new java.util.HashSet<>();
            if (description != null) {
                description.members().stream().filter(member -> !member.assignment().topicPartitions().isEmpty())
                        .forEach(member -> members.add(member.consumerId()));
            }
            return members;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot describe group " + group, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** An admin client of this broker; close it. */
    Admin admin() {
        Properties properties = new Properties();
        properties.put("bootstrap.servers", bootstrap);
        properties.put("client.id", "crosstenant-bench-admin");
        return Admin.create(properties);
    }

    /** The value of a (CloudEvents) header as text, or null. */
    static String header(Iterable<Header> headers, String name) {
        String value = null;
        for (Header header : headers) {
            if (header.key().equals(name) && header.value() != null) {
                value = new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return value;
    }

    static Map<TopicPartition, Long> endOffsets(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions) {
        return consumer.endOffsets(partitions, Duration.ofSeconds(30));
    }
}
