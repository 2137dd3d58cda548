package org.crosstenant.platform.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The Kafka topics a service creates at start-up ({@code crosstenant.topics.*}): the topics it produces, its
 * dead-letter topics included, each with explicit settings instead of the broker's defaults. Topic names contain dots,
 * so they are quoted in properties: {@code crosstenant.topics.produced."policy.events".config."cleanup.policy"=compact};
 * in an environment variable the quote and the dot around it become {@code __}:
 * {@code CROSSTENANT_TOPICS_PRODUCED__POLICY_EVENTS__PARTITIONS}.
 * Every setting is listed in docs/config/&lt;service&gt;.md.
 */
@ConfigMapping(prefix = "crosstenant.topics")
public interface TopicsConfig {

    /** How and whether provisioning runs. */
    Provisioning provisioning();

    /** What every topic gets unless its own entry says otherwise. */
    TopicDefaults defaults();

    /** Topic name → its settings; empty: the service creates no topic. */
    Map<String, Topic> produced();

    /** {@code crosstenant.topics.provisioning.*}. */
    interface Provisioning {

        /** Off: the service assumes its topics exist (created by an operator) and touches nothing. */
        @WithDefault("true")
        boolean enabled();

        /** How long start-up waits for the broker to answer all provisioning requests; then start-up fails. */
        @WithDefault("30S")
        Duration timeout();

        /**
         * On: a topic that exists with other configs than declared gets the declared ones (incremental alter, each
         * difference logged as a warning). Off: differences are only logged. Partition count and replication factor
         * are never changed (more partitions would move keys and break per-key order): differences are logged.
         */
        @WithDefault("true")
        boolean alignConfigs();
    }

    /** {@code crosstenant.topics.defaults.*}. */
    interface TopicDefaults {

        /** Partitions of a topic that sets none. */
        @WithDefault("1")
        int partitions();

        /** Replication factor of a topic that sets none (1 for a single broker; 3 in production). */
        @WithDefault("1")
        short replicationFactor();

        /** Topic configs (Kafka names, e.g. {@code min.insync.replicas}) every topic gets unless it sets its own. */
        Map<String, String> config();
    }

    /** {@code crosstenant.topics.produced."<name>".*}. */
    interface Topic {

        /** Partitions; empty: {@link TopicDefaults#partitions()}. */
        OptionalInt partitions();

        /** Replication factor; empty: {@link TopicDefaults#replicationFactor()}. */
        Optional<Short> replicationFactor();

        /** Topic configs with their Kafka names ({@code cleanup.policy}, {@code retention.ms}, …), over the defaults. */
        Map<String, String> config();
    }
}
