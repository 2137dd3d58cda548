package org.crosstenant.invitation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The saga under an open-model load (fixed arrival rate, not one request after another): partner POSTs at
 * {@code saga.rate} requests/s for {@code saga.seconds}, a stand-in for policy-service answers every requested.v1 at
 * once with an allow, and the test waits for every approved.v1. It asserts what must hold at any speed: every filing
 * answered 202 and every invitation was approved exactly once (nothing lost, nothing duplicated). The latencies
 * (POST, and intended start of the POST → approved.v1 on the topic, i.e. after the decision committed) are only
 * printed, as HdrHistogram percentiles: they measure this machine, never pass or fail a test.
 * <p>
 * Default: 20 requests/s for 3 s after 1 s of warm-up (small enough for a shared CI machine). The measured figures of docs/performance.md come from e.g.
 * {@code mvn -B verify -pl invitation-service -Dtest=SagaLoadTest -Dsaga.rate=500 -Dsaga.seconds=30}.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "invitation"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class SagaLoadTest {

    static final String REQUESTED = "org.crosstenant.invitation.requested.v1";
    static final String APPROVED = "org.crosstenant.invitation.approved.v1";
    static final String DECIDED = "org.crosstenant.policy.decided.v1";

    @TestHTTPResource("/api/v1/invitations")
    URL endpoint;

    @Test
    void everyInvitationIsApprovedExactlyOnceUnderAFixedArrivalRate() throws Exception {
        int rate = Integer.getInteger("saga.rate", 20);
        int seconds = Integer.getInteger("saga.seconds", 3);
        int warmup = Integer.getInteger("saga.warmup-seconds", 1);
        String run = UUID.randomUUID().toString().substring(0, 8);
        try (FakePolicy policy = new FakePolicy(run)) {
            policy.start();
            phase(run + "w", rate, warmup, policy, false);
            phase(run + "m", rate, seconds, policy, true);
        }
    }

    private void phase(String tag, int rate, int seconds, FakePolicy policy, boolean print) throws Exception {
        int n = rate * seconds;
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        long[] intended = new long[n];
        Histogram post = new ConcurrentHistogram(3);
        Histogram saga = new ConcurrentHistogram(3);
        String token = Tokens.fabrikamPartner();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<Integer>> answers = new ArrayList<>(n);
        policy.expect(tag, intended, saga);
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        for (int i = 0; i < n; i++) {
            intended[i] = start + i * interval;
            long wait;
            while ((wait = intended[i] - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            long t0 = intended[i];
            HttpRequest request = HttpRequest.newBuilder(endpoint.toURI())
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            Api.body("contoso", "contoso-projects", "fabrikam", "load-" + tag + "-" + i + "@fabrikam.example")))
                    .build();
            answers.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).thenApply(r -> {
                post.recordValue(System.nanoTime() - t0);
                return r.statusCode();
            }));
        }
        for (CompletableFuture<Integer> a : answers) {
            assertEquals(202, a.get(60, TimeUnit.SECONDS));
        }
        Map<Integer, Integer> approvals = policy.awaitApprovals(tag, n, Duration.ofSeconds(120));
        assertEquals(n, approvals.size(), "every invitation approved");
        approvals.forEach((i, count) -> assertEquals(1, count, "invitation " + i + " approved once"));
        assertTrue(policy.duplicateIds.isEmpty(), "no CloudEvent id twice: " + policy.duplicateIds);
        if (print) {
            System.out.printf("%nSAGA LOAD %d req/s for %d s (%d invitations)%n", rate, seconds, n);
            print("POST /api/v1/invitations", post);
            print("POST start -> approved.v1 on the topic", saga);
        }
    }

    private static void print(String what, Histogram h) {
        System.out.printf("  %-42s p50 %7.2f ms  p90 %7.2f ms  p99 %7.2f ms  p99.9 %7.2f ms  max %7.2f ms  (n=%d)%n",
                what, ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
                ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()), h.getTotalCount());
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    /**
     * Answers requested.v1 of this run with decided.v1 (allow) the moment it sees them, and timestamps approved.v1,
     * on one thread with plain Kafka clients (what policy-service would do, minus its own database work).
     */
    static final class FakePolicy implements AutoCloseable {

        private final String run;
        private final KafkaConsumer<String, String> consumer;
        private final KafkaProducer<String, String> producer;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread = new Thread(this::loop, "fake-policy");
        private final Map<String, long[]> intended = new ConcurrentHashMap<>();
        private final Map<String, Histogram> histograms = new ConcurrentHashMap<>();
        private final Map<String, Map<Integer, Integer>> approvals = new ConcurrentHashMap<>();
        private final Set<String> seenIds = new HashSet<>();
        final Set<String> duplicateIds = ConcurrentHashMap.newKeySet();
        private volatile Throwable failure;

        FakePolicy(String run) {
            this.run = run;
            Properties c = new Properties();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaSupport.bootstrap());
            c.put(ConsumerConfig.GROUP_ID_CONFIG, "saga-load-" + run);
            c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
            c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
            consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaSupport.bootstrap());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
            producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        }

        void start() {
            consumer.subscribe(List.of(KafkaSupport.INVITATIONS));
            long until = System.currentTimeMillis() + 30_000;
            while (consumer.assignment().isEmpty() && System.currentTimeMillis() < until) {
                consumer.poll(Duration.ofMillis(100));
            }
            consumer.seekToEnd(consumer.assignment());
            consumer.assignment().forEach(consumer::position);
            thread.start();
        }

        void expect(String tag, long[] starts, Histogram saga) {
            intended.put(tag, starts);
            histograms.put(tag, saga);
            approvals.put(tag, new ConcurrentHashMap<>());
        }

        Map<Integer, Integer> awaitApprovals(String tag, int n, Duration within) {
            long until = System.nanoTime() + within.toNanos();
            while (approvals.get(tag).size() < n && System.nanoTime() < until && failure == null) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            if (failure != null) {
                throw new IllegalStateException(failure);
            }
            // a duplicate would arrive shortly after the original: give the topic a moment to deliver one
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
            return new HashMap<>(approvals.get(tag));
        }

        private void loop() {
            try {
                while (!stop.get()) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(50))) {
                        long now = System.nanoTime();
                        String type = KafkaSupport.header(r, "ce_type");
                        if (!REQUESTED.equals(type) && !APPROVED.equals(type)) {
                            continue;
                        }
                        JsonNode payload = JsonShape.JSON.readTree(r.value());
                        String email = payload.path("invitee").path("email").asText();
                        if (!email.startsWith("load-" + run)) {
                            continue;
                        }
                        if (!seenIds.add(KafkaSupport.header(r, "ce_id"))) {
                            duplicateIds.add(KafkaSupport.header(r, "ce_id"));
                            continue;
                        }
                        String[] parts = email.substring(0, email.indexOf('@')).split("-");
                        String tag = parts[1];
                        int index = Integer.parseInt(parts[2]);
                        if (REQUESTED.equals(type)) {
                            String id = payload.get("invitationId").asText();
                            ProducerRecord<String, String> decision = new ProducerRecord<>(KafkaSupport.DECISIONS,
                                    id, Api.decision(id, "allow"));
                            header(decision, "ce_specversion", "1.0");
                            header(decision, "ce_id", UUID.randomUUID().toString());
                            header(decision, "ce_type", DECIDED);
                            header(decision, "ce_source", "/crosstenant/policy-service");
                            header(decision, "ce_time", Instant.now().toString());
                            header(decision, "content-type", "application/json");
                            producer.send(decision);
                        } else {
                            histograms.get(tag).recordValue(Math.max(0, now - intended.get(tag)[index]));
                            approvals.get(tag).merge(index, 1, Integer::sum);
                        }
                    }
                }
            } catch (Throwable t) {
                failure = t;
            }
        }

        private static void header(ProducerRecord<String, String> record, String name, String value) {
            record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(5_000);
            consumer.close();
            producer.close();
        }
    }
}
