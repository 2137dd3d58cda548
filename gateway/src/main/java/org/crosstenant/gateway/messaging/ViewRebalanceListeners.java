package org.crosstenant.gateway.messaging;

import java.util.Collection;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * Records the end offsets of the partitions each view consumer gets, so readiness can tell when the replay from
 * the beginning is complete. Also rewinds to the beginning explicitly: the view never trusts committed offsets.
 */
@ApplicationScoped
public class ViewRebalanceListeners {

    public static final String POLICY_CHANNEL = "policy-events";
    public static final String INVITATION_CHANNEL = "invitation-events";

    @Produces
    @Identifier("gateway-view-policy")
    KafkaConsumerRebalanceListener policy(ViewProgress progress) {
        return listener(POLICY_CHANNEL, progress);
    }

    @Produces
    @Identifier("gateway-view-invitations")
    KafkaConsumerRebalanceListener invitations(ViewProgress progress) {
        return listener(INVITATION_CHANNEL, progress);
    }

    private static KafkaConsumerRebalanceListener listener(String channel, ViewProgress progress) {
        return new KafkaConsumerRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
                consumer.seekToBeginning(partitions);
                Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
                progress.assigned(channel, ends);
            }
        };
    }
}
