package org.crosstenant.stack.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
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
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaBrokerTest {

    @TempDir
    Path workDir;

    @Test
    void aRecordRoundTripsThroughTheChildProcessBrokerAndTheDataSurvivesARestartButTopicsAreNeverAutoCreated() throws Exception {
        int port = FreePorts.pick();
        int controllerPort = FreePorts.pick();
        String topic = "roundtrip-" + UUID.randomUUID();
        try (KafkaBroker broker = KafkaBroker.start(KafkaBroker.defaultLibs(), workDir, port, controllerPort)) {
            System.out.printf("Kafka ready in %d ms (first start, storage formatted)%n", broker.startTime().toMillis());
            assertEquals("127.0.0.1:" + port, broker.bootstrapServers());
            // no auto-create: a record for a topic nobody created is refused, and the topic does not appear
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> produce(broker.bootstrapServers(), topic, "key-0", "nobody created the topic"));
            assertInstanceOf(org.apache.kafka.common.errors.TimeoutException.class, refused.getCause());
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                assertFalse(admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic));
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            produce(broker.bootstrapServers(), topic, "key-1", "hello");
            assertEquals(List.of("key-1=hello"), consume(broker.bootstrapServers(), topic, 1));
        }
        assertFalse(FreePorts.inUse(port), "the broker's port is released after close()");
        String clusterId = Files.readString(workDir.resolve("data/meta.properties"));

        // second start on the same work dir: no re-format, the earlier record is still there
        try (KafkaBroker broker = KafkaBroker.start(KafkaBroker.defaultLibs(), workDir, port, controllerPort)) {
            System.out.printf("Kafka ready in %d ms (restart on existing storage)%n", broker.startTime().toMillis());
            produce(broker.bootstrapServers(), topic, "key-2", "again");
            assertEquals(List.of("key-1=hello", "key-2=again"), consume(broker.bootstrapServers(), topic, 2));
            assertEquals(clusterId, Files.readString(workDir.resolve("data/meta.properties")), "storage was not re-formatted");

            // when the JVM that started the broker dies without close(), the broker stops too
            ProcessHandle javaProcess = ProcessHandle.of(broker.pid()).orElseThrow().children().findFirst().orElseThrow();
            broker.simulateParentExit();
            javaProcess.onExit().get(30, TimeUnit.SECONDS);
            assertFalse(FreePorts.inUse(port));
            assertTrue(Files.readString(workDir.resolve("kafka.log")).contains("shutting down"),
                    "the broker stopped cleanly on SIGTERM");
        }
    }

    private static void produce(String bootstrap, String topic, String key, String value) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                // a missing topic blocks the send for this long waiting for metadata
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 3000,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    private static List<String> consume(String bootstrap, String topic, int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (seen.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    seen.add(record.key() + "=" + record.value());
                }
            }
        }
        return seen;
    }
}
