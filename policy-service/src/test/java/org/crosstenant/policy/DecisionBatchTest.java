package org.crosstenant.policy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.crosstenant.policy.service.PolicyEvents;
import org.crosstenant.stack.infra.testing.FederatedIdentityTestResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.crosstenant.stack.infra.testing.PostgresTestResource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The batch consumer (one transaction per poll batch): records produced as one producer batch reach the consumer in
 * one poll (the broker appends a producer batch atomically), so these tests put duplicates and poison INSIDE one
 * consumer batch, and the same events again in later batches.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "policy"))
@QuarkusTestResource(FederatedIdentityTestResource.class)
class DecisionBatchTest {

    private static final String MARKER = "test-batch-marker";

    @Test
    void duplicatesInOneBatchAndAcrossBatchesAreDecidedOnce() {
        DecisionFlowTest.Pair pair = DecisionFlowTest.Pair.configured("allowed");
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        String firstEvent = UUID.randomUUID().toString();
        String secondEvent = UUID.randomUUID().toString();
        // one batch: the same ce_id twice, another invitation, and the first invitation again under a new ce_id
        KafkaSupport.produceAtOnce(List.of(
                requested(pair, first, firstEvent),
                requested(pair, first, firstEvent),
                requested(pair, second, secondEvent),
                requested(pair, first, UUID.randomUUID().toString()),
                requested(pair, second, secondEvent)));
        DecisionFlowTest.awaitDecision(first);
        // later batches: both events again, then a marker; once the marker is decided, everything before it was
        KafkaSupport.produceAtOnce(List.of(requested(pair, first, firstEvent)));
        KafkaSupport.produceAtOnce(List.of(requested(pair, second, secondEvent),
                requested(pair, first, firstEvent)));
        UUID marker = UUID.randomUUID();
        KafkaSupport.produceAtOnce(List.of(requested(pair, marker, UUID.randomUUID().toString())));
        DecisionFlowTest.awaitDecision(marker);

        for (UUID invitation : List.of(first, second, marker)) {
            List<ConsumerRecord<String, String>> decisions = KafkaSupport.records(PolicyEvents.DECISIONS_TOPIC,
                    r -> invitation.toString().equals(r.key()));
            assertEquals(1, decisions.size(), "decisions for " + invitation);
            assertEquals("allow", new JsonObject(decisions.get(0).value()).getString("outcome"));
        }
        assertEquals(0, KafkaSupport.records(DecisionFlowTest.DLQ,
                r -> first.toString().equals(r.key()) || second.toString().equals(r.key())).size(),
                "nothing dead-lettered");
    }

    @Test
    void poisonInterleavedWithValidRecordsIsDeadLetteredAloneAndTheRestOfTheBatchCommits() throws Exception {
        DecisionFlowTest.Pair pair = DecisionFlowTest.Pair.configured("allowed");
        UUID v1 = UUID.randomUUID();
        UUID v2 = UUID.randomUUID();
        UUID v3 = UUID.randomUUID();
        ProducerRecord<String, String> badJson = marked(KafkaSupport.cloudEvent(DecisionFlowTest.INVITATIONS,
                UUID.randomUUID().toString(), UUID.randomUUID().toString(), DecisionFlowTest.REQUESTED,
                "{\"invitationId\":"), "bad JSON");
        ProducerRecord<String, String> unknownType = marked(KafkaSupport.cloudEvent(DecisionFlowTest.INVITATIONS,
                UUID.randomUUID().toString(), UUID.randomUUID().toString(), "com.example.evil.v1", "{}"),
                "unknown type");
        // the batch's LAST record is poison too: the offset must still move past it
        UUID keyless = UUID.randomUUID();
        ProducerRecord<String, String> noKey = marked(new ProducerRecord<>(DecisionFlowTest.INVITATIONS, null,
                DecisionFlowTest.requestedPayload(pair, keyless, "nokey@" + pair.home() + ".example")), "no key");
        KafkaSupport.cloudEvent(DecisionFlowTest.INVITATIONS, "x", UUID.randomUUID().toString(),
                DecisionFlowTest.REQUESTED, "{}").headers().forEach(h -> noKey.headers().add(h));
        KafkaSupport.produceAtOnce(List.of(
                requested(pair, v1, UUID.randomUUID().toString()),
                badJson,
                requested(pair, v2, UUID.randomUUID().toString()),
                unknownType,
                requested(pair, v3, UUID.randomUUID().toString()),
                noKey));

        for (UUID valid : List.of(v1, v2, v3)) {
            assertEquals("allow", new JsonObject(DecisionFlowTest.awaitDecision(valid).value()).getString("outcome"));
        }
        Map<String, String> reasons = Map.of("bad JSON", "not JSON", "unknown type", "unknown event type",
                "no key", "no key");
        reasons.forEach((name, reason) -> {
            ConsumerRecord<String, String> dead = KafkaSupport.awaitRecord(DecisionFlowTest.DLQ,
                    r -> name.equals(KafkaSupport.header(r, MARKER)));
            String deadReason = KafkaSupport.header(dead, "dead-letter-reason");
            assertNotNull(deadReason, name + ": no dead-letter-reason header");
            assertTrue(deadReason.contains(reason), name + ": reason was " + deadReason);
        });
        // the group's committed offset reaches the end of the topic, past the poison record that ended the batch
        awaitCommittedToEnd();

        UUID next = DecisionFlowTest.request(pair, "next@" + pair.home() + ".example", UUID.randomUUID().toString());
        DecisionFlowTest.awaitDecision(next);
        for (UUID invitation : List.of(v1, v2, v3, next)) {
            assertEquals(1, KafkaSupport.records(PolicyEvents.DECISIONS_TOPIC,
                    r -> invitation.toString().equals(r.key())).size(), "decisions for " + invitation);
            assertEquals(0, KafkaSupport.records(DecisionFlowTest.DLQ,
                    r -> invitation.toString().equals(r.key())).size(), invitation + " dead-lettered");
        }
        for (String name : reasons.keySet()) {
            assertEquals(1, KafkaSupport.records(DecisionFlowTest.DLQ,
                    r -> name.equals(KafkaSupport.header(r, MARKER))).size(), name + " dead-lettered once");
        }
        assertEquals(0, KafkaSupport.records(PolicyEvents.DECISIONS_TOPIC,
                r -> keyless.toString().equals(r.key())).size(), "the keyless record was decided");
    }

    /**
     * Every partition of the topic that holds records has the group's committed offset at its end. The topic has
     * several partitions and the batch's records (a keyless one included) land on any of them: watching one
     * partition only waited forever when none of the records went there.
     */
    private static void awaitCommittedToEnd() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaSupport.bootstrap()))) {
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            admin.describeTopics(List.of(DecisionFlowTest.INVITATIONS)).allTopicNames().get()
                    .get(DecisionFlowTest.INVITATIONS).partitions()
                    .forEach(p -> latest.put(new TopicPartition(DecisionFlowTest.INVITATIONS, p.partition()),
                            OffsetSpec.latest()));
            Map<TopicPartition, Long> ends = new java.util.HashMap<>();
            admin.listOffsets(latest).all().get().forEach((partition, info) -> {
                if (info.offset() > 0) {
                    ends.put(partition, info.offset());
                }
            });
            assertTrue(!ends.isEmpty(), "no records on " + DecisionFlowTest.INVITATIONS);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("policy-service")
                        .partitionsToOffsetAndMetadata().get();
                return ends.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null
                        && committed.get(e.getKey()).offset() >= e.getValue());
            });
        }
    }

    private static ProducerRecord<String, String> requested(DecisionFlowTest.Pair pair, UUID invitation,
                                                            String eventId) {
        return KafkaSupport.cloudEvent(DecisionFlowTest.INVITATIONS, invitation.toString(), eventId,
                DecisionFlowTest.REQUESTED,
                DecisionFlowTest.requestedPayload(pair, invitation, "batch@" + pair.home() + ".example"));
    }

    private static ProducerRecord<String, String> marked(ProducerRecord<String, String> record, String name) {
        record.headers().add(MARKER, name.getBytes(StandardCharsets.UTF_8));
        return record;
    }
}
