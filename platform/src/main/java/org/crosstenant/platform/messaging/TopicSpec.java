package org.crosstenant.platform.messaging;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One topic as a service declares it.
 *
 * @param name              the topic name
 * @param partitions        number of partitions, at least 1
 * @param replicationFactor replicas per partition, at least 1
 * @param configs           topic-level configs by their Kafka names (e.g. {@code cleanup.policy=compact},
 *                          {@code retention.ms=604800000}); copied and sorted
 */
public record TopicSpec(String name, int partitions, short replicationFactor, Map<String, String> configs) {

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a topic name must not be blank");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("topic " + name + ": partitions must be at least 1, not " + partitions);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("topic " + name + ": replication factor must be at least 1, not "
                    + replicationFactor);
        }
        configs = Collections.unmodifiableSortedMap(new TreeMap<>(configs));
    }
}
