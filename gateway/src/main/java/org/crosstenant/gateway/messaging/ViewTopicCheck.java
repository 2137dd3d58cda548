package org.crosstenant.gateway.messaging;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.crosstenant.platform.messaging.TopicProvisioner;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.smallrye.common.annotation.Identifier;

/**
 * Tells whether a view topic, as the replay finds it at assignment, still holds everything the view needs: the view
 * is rebuilt from offset 0, so a topic that does not exist or that has lost events cannot give a complete view.
 * <ul>
 * <li>No partition assigned: the topic does not exist (every gateway instance reads all partitions in a group of
 * its own, so an empty assignment means no partitions).</li>
 * <li>A partition whose log start offset is above 0 while the topic's {@code cleanup.policy} includes
 * {@code delete}: retention (or a records deletion) removed events, e.g. a grant redeemed before the retention
 * window. On a {@code compact}-only topic a start above 0 loses nothing the view needs (compaction keeps the last
 * event per key, which carries the aggregate's whole state) and is fine.</li>
 * </ul>
 * A delete-policy topic that still starts at 0 is accepted with a warning: it will lose history once retention
 * applies. The broker is asked (Admin API) only when a partition starts above 0.
 */
@ApplicationScoped
public class ViewTopicCheck {

    private static final Logger LOG = Logger.getLogger(ViewTopicCheck.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final String bootstrapServers;
    private final Map<String, Object> kafka;

    /** @param kafka the gateway's {@code kafka.*} settings (its SASL/TLS ones reach the Admin client too) */
    public ViewTopicCheck(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
            @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.bootstrapServers = bootstrapServers;
        this.kafka = kafka;
    }

    /**
     * @param topic      the channel's topic
     * @param beginnings log start offset per assigned partition of that topic (empty: nothing assigned)
     * @return why a view replayed from this topic would be incomplete; empty when it is complete
     */
    public Optional<String> incompleteBecause(String topic, Map<TopicPartition, Long> beginnings) {
        if (beginnings.isEmpty()) {
            return Optional.of("topic " + topic + " does not exist (its producer creates it at start-up)");
        }
        Map<TopicPartition, Long> truncated = beginnings.entrySet().stream().filter(e -> e.getValue() > 0)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        if (truncated.isEmpty()) {
            return Optional.empty();
        }
        String policy;
        try {
            policy = cleanupPolicy(topic);
        } catch (RuntimeException e) {
            return Optional.of("topic " + topic + " starts at offsets " + truncated + " and its cleanup.policy cannot "
                    + "be read (" + e.getMessage() + "): events may be lost");
        }
        if (policy.contains(TopicConfig.CLEANUP_POLICY_DELETE)) {
            return Optional.of("topic " + topic + " lost history: cleanup.policy=" + policy + " and it starts at "
                    + truncated + " (retention removed events the view needs; the view topics must be compact, "
                    + "docs/topics.md)");
        }
        return Optional.empty();
    }

    /** Logs a warning when a view topic will lose history later (delete policy, nothing removed yet). */
    void warnIfNotCompacted(String topic) {
        try {
            String policy = cleanupPolicy(topic);
            if (!policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)
                    || policy.contains(TopicConfig.CLEANUP_POLICY_DELETE)) {
                LOG.warnf("view topic %s has cleanup.policy=%s: events will be removed after its retention and a "
                        + "later start of the gateway will find its view incomplete (readiness DOWN)", topic, policy);
            }
        } catch (RuntimeException e) {
            LOG.debugf("cleanup.policy of %s not checked: %s", topic, e.getMessage());
        }
    }

    private String cleanupPolicy(String topic) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try (Admin admin = TopicProvisioner.admin(bootstrapServers, kafka, "gateway-view-topic-check", TIMEOUT)) {
            Config config = admin.describeConfigs(List.of(resource)).all()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(resource);
            ConfigEntry entry = config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
            return entry == null || entry.value() == null ? TopicConfig.CLEANUP_POLICY_DELETE : entry.value();
        } catch (ExecutionException e) {
            throw new IllegalStateException(String.valueOf(e.getCause().getMessage()), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer within " + TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
