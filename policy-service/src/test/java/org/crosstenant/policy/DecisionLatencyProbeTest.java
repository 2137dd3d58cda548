package org.crosstenant.policy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.crosstenant.policy.service.PolicyEvents;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Open-model load on policy-service's hop of the saga: requested.v1 events produced at a fixed rate (not one after
 * another) and each decision's arrival on policy.decisions. It asserts exactly one decision per request (nothing
 * lost, nothing applied twice under load) and only PRINTS the latency (intended send time → decision consumed), never
 * asserts it. Defaults are small so the module's test run stays short; measure with e.g.
 * {@code -Dprobe.rate=500 -Dprobe.seconds=20} (surefire passes them through {@code -DargLine=...}).
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "policy"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class DecisionLatencyProbeTest {

    @Test
    void everyRequestUnderLoadIsDecidedExactlyOnce() throws Exception {
        int rate = Integer.getInteger("probe.rate", 20);
        int seconds = Integer.getInteger("probe.seconds", 3);
        int total = rate * seconds;
        DecisionFlowTest.Pair pair = DecisionFlowTest.Pair.configured("allowed");
        // warm-up: one decision end to end before the clock starts
        DecisionFlowTest.awaitDecision(DecisionFlowTest.request(pair, "warm@" + pair.home() + ".example",
                UUID.randomUUID().toString()));

        Map<String, Long> intended = new ConcurrentHashMap<>();
        Map<String, List<Long>> decided = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread reader = new Thread(() -> readDecisions(intended, decided, stop), "probe-reader");
        reader.start();
        try (KafkaProducer<String, String> producer = producer()) {
            long period = 1_000_000_000L / rate;
            long start = System.nanoTime() + 200_000_000L;
            for (int i = 0; i < total; i++) {
                long due = start + i * period;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                UUID invitation = UUID.randomUUID();
                intended.put(invitation.toString(), due);
                producer.send(requested(pair, invitation, i));
            }
            producer.flush();
            await().atMost(Duration.ofSeconds(120 + seconds)).pollInterval(Duration.ofMillis(100))
                    .until(() -> intended.keySet().stream().allMatch(decided::containsKey));
        } finally {
            stop.set(true);
            reader.join();
        }
        long[] latencies = new long[total];
        int i = 0;
        for (Map.Entry<String, Long> sent : intended.entrySet()) {
            List<Long> arrivals = decided.get(sent.getKey());
            assertEquals(1, arrivals.size(), "decisions for invitation " + sent.getKey());
            latencies[i++] = arrivals.get(0) - sent.getValue();
        }
        Arrays.sort(latencies);
        // anything applied twice would show up as a second decision record for the same key
        assertEquals(total, KafkaSupport.records(PolicyEvents.DECISIONS_TOPIC,
                r -> r.key() != null && intended.containsKey(r.key())).size(), "decision records");
        System.out.printf("decision latency probe: %d requests at %d/s: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, "
                        + "p99.9 %.2f ms, max %.2f ms%n", total, rate, ms(latencies, 0.50), ms(latencies, 0.90),
                ms(latencies, 0.99), ms(latencies, 0.999), latencies[total - 1] / 1e6);
    }

    private static double ms(long[] sorted, double quantile) {
        int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }

    private static void readDecisions(Map<String, Long> intended, Map<String, List<Long>> decided,
                                      AtomicBoolean stop) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaSupport.bootstrap());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(PolicyEvents.DECISIONS_TOPIC,
                    Duration.ofSeconds(10)).stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            while (!stop.get()) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(50))) {
                    long now = System.nanoTime();
                    if (record.key() != null && intended.containsKey(record.key())) {
                        decided.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(now);
                    }
                }
            }
        }
    }

    private static KafkaProducer<String, String> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaSupport.bootstrap());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return new KafkaProducer<>(props);
    }

    private static ProducerRecord<String, String> requested(DecisionFlowTest.Pair pair, UUID invitation, int n) {
        ProducerRecord<String, String> record = new ProducerRecord<>(DecisionFlowTest.INVITATIONS,
                invitation.toString(), DecisionFlowTest.requestedPayload(pair, invitation,
                "load" + n + "@" + pair.home() + ".example"));
        header(record, "ce_specversion", "1.0");
        header(record, "ce_id", UUID.randomUUID().toString());
        header(record, "ce_type", DecisionFlowTest.REQUESTED);
        header(record, "ce_source", "/crosstenant/invitation-service");
        header(record, "ce_time", Instant.now().toString());
        header(record, "content-type", "application/json");
        return record;
    }

    private static void header(ProducerRecord<String, String> record, String name, String value) {
        record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
