package org.crosstenant.platform.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.crosstenant.stack.infra.testing.KafkaTestResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against a real broker: creation with explicit settings, idempotent re-runs, alignment, refusals. */
class TopicProvisionerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static Admin admin;

    @BeforeAll
    static void broker() {
        admin = TopicProvisioner.admin(KafkaTestResource.bootstrapServers(), "provisioner-test", TIMEOUT);
    }

    @AfterAll
    static void close() {
        admin.close();
    }

    @Test
    void createsMissingTopicsWithTheDeclaredSettingsAndChangesNothingTheSecondTime() throws Exception {
        TopicSpec state = new TopicSpec(unique("state"), 3, (short) 1,
                Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "604800000", "min.insync.replicas", "1"));
        TopicSpec log = new TopicSpec(unique("log"), 2, (short) 1,
                Map.of("cleanup.policy", "delete", "retention.ms", "2592000000"));

        TopicProvisioner.Result first = TopicProvisioner.provision(admin, List.of(state, log), TIMEOUT, true);

        assertEquals(List.of(state.name(), log.name()), first.created());
        assertEquals(3, partitions(state.name()));
        assertEquals(2, partitions(log.name()));
        assertEquals("compact", config(state.name(), "cleanup.policy"));
        assertEquals("604800000", config(state.name(), "min.compaction.lag.ms"));
        assertEquals("2592000000", config(log.name(), "retention.ms"));

        TopicProvisioner.Result second = TopicProvisioner.provision(admin, List.of(state, log), TIMEOUT, true);
        assertEquals(List.of(), second.created());
        assertEquals(List.of(), second.differences());
        assertEquals(Map.of(), second.aligned());
    }

    @Test
    void alignsTheConfigsOfAnExistingTopicAndOnlyReportsItsPartitionCount() throws Exception {
        String name = unique("auto-created");
        // what a broker's auto-create (or an operator) left behind: one partition, delete policy, 7 days
        admin.createTopics(List.of(new NewTopic(name, 1, (short) 1)
                .configs(Map.of("cleanup.policy", "delete", "retention.ms", "604800000"))))
                .all().get(30, TimeUnit.SECONDS);
        TopicSpec declared = new TopicSpec(name, 3, (short) 1,
                Map.of("cleanup.policy", "compact", "retention.ms", "604800000", "min.compaction.lag.ms", "1000"));

        TopicProvisioner.Result result = TopicProvisioner.provision(admin, List.of(declared), TIMEOUT, true);

        assertEquals(List.of(), result.created());
        assertEquals(Map.of(name, Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "1000")),
                result.aligned());
        assertTrue(result.differences().stream().anyMatch(d -> d.contains("1 partition(s), declared 3")),
                result.differences().toString());
        assertEquals("compact", config(name, "cleanup.policy"));
        assertEquals("1000", config(name, "min.compaction.lag.ms"));
        assertEquals(1, partitions(name), "partitions are never added: keys would move");
    }

    @Test
    void withoutAlignmentDifferencesAreReportedButLeftAlone() throws Exception {
        String name = unique("left-alone");
        admin.createTopics(List.of(new NewTopic(name, 1, (short) 1).configs(Map.of("cleanup.policy", "delete"))))
                .all().get(30, TimeUnit.SECONDS);

        TopicProvisioner.Result result = TopicProvisioner.provision(admin,
                List.of(new TopicSpec(name, 1, (short) 1, Map.of("cleanup.policy", "compact"))), TIMEOUT, false);

        assertEquals(List.of(name + ": cleanup.policy=delete, declared compact (left as it is)"),
                result.differences());
        assertEquals(Map.of(), result.aligned());
        assertEquals("delete", config(name, "cleanup.policy"));
    }

    @Test
    void aTopicTheBrokerRefusesFailsWithItsNameAndTheReason() {
        String tooManyReplicas = unique("three-replicas");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TopicProvisioner.provision(admin,
                List.of(new TopicSpec(tooManyReplicas, 1, (short) 3, Map.of())), TIMEOUT, true));
        assertTrue(e.getMessage().contains(tooManyReplicas), e.getMessage());

        String badConfig = unique("bad-config");
        e = assertThrows(IllegalStateException.class, () -> TopicProvisioner.provision(admin,
                List.of(new TopicSpec(badConfig, 1, (short) 1, Map.of("cleanup.policy", "forever"))), TIMEOUT, true));
        assertTrue(e.getMessage().contains(badConfig), e.getMessage());
    }

    @Test
    void specsRefuseImpossibleShapes() {
        assertThrows(IllegalArgumentException.class, () -> new TopicSpec(" ", 1, (short) 1, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new TopicSpec("t", 0, (short) 1, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new TopicSpec("t", 1, (short) 0, Map.of()));
    }

    private static String unique(String prefix) {
        return "provisioner." + prefix + "." + UUID.randomUUID();
    }

    private static int partitions(String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                .partitions().size();
    }

    private static String config(String topic, String name) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource).get(name)
                .value();
    }
}
