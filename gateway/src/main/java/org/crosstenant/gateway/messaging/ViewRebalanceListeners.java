package org.crosstenant.gateway.messaging;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * Records the end offsets of the partitions each view consumer gets, so readiness can tell when the replay from
 * the beginning is complete, and checks that the topic still holds its whole history ({@link ViewTopicCheck}). Also
 * rewinds to the beginning explicitly: the view never trusts committed offsets.
 */
@ApplicationScoped
public class ViewRebalanceListeners {

    public static final String POLICY_CHANNEL = "policy-events";
    public static final String INVITATION_CHANNEL = "invitation-events";
    private static final Logger LOG = Logger.getLogger(ViewRebalanceListeners.class);

    @Produces
    @Identifier("gateway-view-policy")
    KafkaConsumerRebalanceListener policy(ViewProgress progress, ViewTopicCheck check, Config config) {
        return listener(POLICY_CHANNEL, topic(config, POLICY_CHANNEL), progress, check);
    }

    @Produces
    @Identifier("gateway-view-invitations")
    KafkaConsumerRebalanceListener invitations(ViewProgress progress, ViewTopicCheck check, Config config) {
        return listener(INVITATION_CHANNEL, topic(config, INVITATION_CHANNEL), progress, check);
    }

    private static String topic(Config config, String channel) {
        return config.getOptionalValue("mp.messaging.incoming." + channel + ".topic", String.class).orElse(channel);
    }

    private static KafkaConsumerRebalanceListener listener(String channel, String topic, ViewProgress progress,
            ViewTopicCheck check) {
        return new KafkaConsumerRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
                consumer.seekToBeginning(partitions);
                Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
                Optional<String> incomplete = check.incompleteBecause(topic, consumer.beginningOffsets(partitions));
                incomplete.ifPresentOrElse(
                        reason -> LOG.errorf("view of %s is incomplete, readiness DOWN and /apps 503: %s", channel,
                                reason),
                        () -> check.warnIfNotCompacted(topic));
                progress.replayCheck(channel, incomplete);
                progress.assigned(channel, ends);
            }
        };
    }
}
