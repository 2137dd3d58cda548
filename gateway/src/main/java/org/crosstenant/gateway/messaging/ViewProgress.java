package org.crosstenant.gateway.messaging;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.TopicPartition;

/**
 * Tracks whether the replay has caught up: for every partition assigned at start, the end offset then versus the
 * last offset applied. The view answers correctly only once every channel has caught up.
 */
@ApplicationScoped
public class ViewProgress {

    private final Set<String> assignedChannels = ConcurrentHashMap.newKeySet();
    private final Map<TopicPartition, Long> endAtAssignment = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> applied = new ConcurrentHashMap<>();

    void assigned(String channel, Map<TopicPartition, Long> endOffsets) {
        endOffsets.forEach(endAtAssignment::putIfAbsent);
        assignedChannels.add(channel);
    }

    void applied(String topic, int partition, long offset) {
        applied.merge(new TopicPartition(topic, partition), offset, Math::max);
    }

    public boolean caughtUp(Set<String> channels) {
        if (!assignedChannels.containsAll(channels)) {
            return false;
        }
        return endAtAssignment.entrySet().stream()
                .allMatch(e -> e.getValue() <= 0 || applied.getOrDefault(e.getKey(), -1L) + 1 >= e.getValue());
    }

    public Map<String, Object> details() {
        Map<String, Object> details = new java.util.TreeMap<>();
        endAtAssignment.forEach((tp, end) -> details.put(tp.toString(),
                (applied.getOrDefault(tp, -1L) + 1) + "/" + end));
        return details;
    }
}
