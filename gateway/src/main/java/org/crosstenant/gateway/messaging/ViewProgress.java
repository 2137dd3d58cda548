package org.crosstenant.gateway.messaging;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.TopicPartition;

/**
 * What the gateway knows about the freshness of its Kafka-fed view, per channel ({@link ViewReadinessCheck#CHANNELS}):
 * <ul>
 * <li>whether the replay has caught up: for every partition assigned at start, the end offset then versus the last
 * offset applied; the view answers correctly only once every channel has caught up;</li>
 * <li>whether a channel's consumer has stopped (set by {@link ViewChannelWatch} from SmallRye's channel health): a
 * stopped consumer freezes the view, so it must not be served;</li>
 * <li>whether a channel's replay could not be complete (set at assignment from {@link ViewTopicCheck}): its topic is
 * missing or lost history, so grants or routes may be missing and the view must not be served either;</li>
 * <li>when the view was last known current, for the {@code crosstenant_gateway_view_age_seconds} gauge.</li>
 * </ul>
 * Thread-safe; read on every /apps request, so every read is a map lookup.
 */
@ApplicationScoped
public class ViewProgress {

    private final Set<String> assignedChannels = ConcurrentHashMap.newKeySet();
    private final Map<TopicPartition, Long> endAtAssignment = new ConcurrentHashMap<>();
    private final Map<TopicPartition, String> channelOf = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> applied = new ConcurrentHashMap<>();
    /** channel → epoch millis when it was last known current (record applied, or start-up replay complete). */
    private final Map<String, Long> currentAt = new ConcurrentHashMap<>();
    private final Set<String> caughtUpChannels = ConcurrentHashMap.newKeySet();
    private final long startedAt = System.currentTimeMillis();
    private volatile Map<String, String> stopped = Map.of();
    private final Map<String, String> incomplete = new ConcurrentHashMap<>();
    /** {@link #stopped} and {@link #incomplete} merged: what /apps reads on every request. */
    private volatile Map<String, String> unusable = Map.of();

    void assigned(String channel, Map<TopicPartition, Long> endOffsets) {
        endOffsets.forEach(endAtAssignment::putIfAbsent);
        endOffsets.keySet().forEach(tp -> channelOf.put(tp, channel));
        assignedChannels.add(channel);
        checkCaughtUp(channel);
    }

    /**
     * Records that the record at this offset was handled (applied, ignored or dead-lettered: either way the view
     * has taken it into account).
     *
     * @param channel the incoming channel name
     */
    void applied(String channel, String topic, int partition, long offset) {
        applied.merge(new TopicPartition(topic, partition), offset, Math::max);
        currentAt.put(channel, System.currentTimeMillis());
        checkCaughtUp(channel);
    }

    private void checkCaughtUp(String channel) {
        if (caughtUpChannels.contains(channel) || !assignedChannels.contains(channel)) {
            return;
        }
        boolean done = endAtAssignment.entrySet().stream().filter(e -> channel.equals(channelOf.get(e.getKey())))
                .allMatch(e -> e.getValue() <= 0 || applied.getOrDefault(e.getKey(), -1L) + 1 >= e.getValue());
        if (done && caughtUpChannels.add(channel)) {
            currentAt.merge(channel, System.currentTimeMillis(), Math::max);
        }
    }

    /** @return whether every given channel has been assigned and has replayed up to the end offsets seen then */
    public boolean caughtUp(Set<String> channels) {
        if (!assignedChannels.containsAll(channels)) {
            return false;
        }
        return endAtAssignment.entrySet().stream()
                .allMatch(e -> e.getValue() <= 0 || applied.getOrDefault(e.getKey(), -1L) + 1 >= e.getValue());
    }

    /**
     * @return channel → why the view it feeds must not be served: its consumer stopped, or its topic was missing or
     *         had lost history at the replay; empty while the view is complete and kept current
     */
    public Map<String, String> stoppedChannels() {
        return unusable;
    }

    /** @return channel → why its consumer stopped (SmallRye's channel health only) */
    Map<String, String> consumerStops() {
        return stopped;
    }

    /** @return channel → why its replay could not give a complete view (topic missing or history lost) */
    public Map<String, String> incompleteChannels() {
        return Map.copyOf(incomplete);
    }

    void stopped(Map<String, String> channels) {
        this.stopped = Map.copyOf(channels);
        merge();
    }

    /**
     * Records the result of the topic check at an assignment (a later assignment, e.g. once a missing topic was
     * created, replaces it).
     *
     * @param channel the incoming channel
     * @param reason  why its replay is incomplete, or empty when it is complete
     */
    void replayCheck(String channel, Optional<String> reason) {
        reason.ifPresentOrElse(r -> incomplete.put(channel, r), () -> incomplete.remove(channel));
        merge();
    }

    private synchronized void merge() {
        Map<String, String> merged = new TreeMap<>(incomplete);
        stopped.forEach((channel, reason) -> merged.merge(channel, reason, (a, b) -> a + "; " + b));
        unusable = Map.copyOf(merged);
    }

    /**
     * Seconds since the channel was last known current: the later of the last record it applied and the moment its
     * start-up replay reached the end offsets seen at assignment (before either: since the gateway started). On a
     * quiet topic this grows although nothing is missing: read it with the channel's consumer lag.
     */
    public double ageSeconds(String channel) {
        return (System.currentTimeMillis() - currentAt.getOrDefault(channel, startedAt)) / 1000.0;
    }

    public Map<String, Object> details() {
        Map<String, Object> details = new TreeMap<>();
        endAtAssignment.forEach((tp, end) -> details.put(tp.toString(),
                (applied.getOrDefault(tp, -1L) + 1) + "/" + end));
        stopped.forEach((channel, reason) -> details.put(channel, "STOPPED: " + reason));
        incomplete.forEach((channel, reason) -> details.merge(channel, "INCOMPLETE: " + reason,
                (a, b) -> a + "; " + b));
        return details;
    }
}
