package org.crosstenant.platform.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.crosstenant.platform.config.TopicsConfig;
import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** How declared topics are read: quoted topic and config names, defaults, and environment overrides. */
class TopicsConfigTest {

    private static final Map<String, String> PROPERTIES = Map.of(
            "crosstenant.topics.defaults.partitions", "1",
            "crosstenant.topics.defaults.replication-factor", "1",
            "crosstenant.topics.defaults.config.\"min.insync.replicas\"", "1",
            "crosstenant.topics.produced.\"policy.events\".partitions", "3",
            "crosstenant.topics.produced.\"policy.events\".config.\"cleanup.policy\"", "compact",
            "crosstenant.topics.produced.\"policy.events.dlq.gateway\".config.\"retention.ms\"", "2592000000");

    @Test
    void declaredTopicsGetTheDefaultsUnlessTheySetTheirOwn() {
        List<TopicSpec> specs = TopicProvisioning.specs(config(Map.of()));

        assertEquals(List.of(
                new TopicSpec("policy.events", 3, (short) 1,
                        Map.of("cleanup.policy", "compact", "min.insync.replicas", "1")),
                new TopicSpec("policy.events.dlq.gateway", 1, (short) 1,
                        Map.of("retention.ms", "2592000000", "min.insync.replicas", "1"))), specs);
    }

    @Test
    void environmentVariablesOverrideDefaultsAndTopicsAsDocumented() {
        List<TopicSpec> specs = TopicProvisioning.specs(config(Map.of(
                "CROSSTENANT_TOPICS_DEFAULTS_REPLICATION_FACTOR", "3",
                "CROSSTENANT_TOPICS_DEFAULTS_CONFIG__MIN_INSYNC_REPLICAS_", "2",
                "CROSSTENANT_TOPICS_PRODUCED__POLICY_EVENTS__PARTITIONS", "6",
                "CROSSTENANT_TOPICS_PRODUCED__POLICY_EVENTS__CONFIG__CLEANUP_POLICY_", "compact,delete")));

        assertEquals(new TopicSpec("policy.events", 6, (short) 3,
                Map.of("cleanup.policy", "compact,delete", "min.insync.replicas", "2")), specs.get(0));
        assertEquals(3, specs.get(1).replicationFactor());
        assertEquals("2", specs.get(1).configs().get("min.insync.replicas"));
    }

    @Test
    void noDeclaredTopicMeansNothingToCreate() {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(TopicsConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter()).build();
        assertEquals(List.of(), TopicProvisioning.specs(config.getConfigMapping(TopicsConfig.class)));
    }

    private static TopicsConfig config(Map<String, String> env) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(PROPERTIES, "application.properties", 250))
                .withSources(new EnvConfigSource(env, 300))
                .withMapping(TopicsConfig.class)
                // Quarkus' own Duration syntax ("30S"), as the services read it
                .withConverter(Duration.class, 100, new DurationConverter())
                .build();
        return config.getConfigMapping(TopicsConfig.class);
    }
}
