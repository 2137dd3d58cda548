package org.crosstenant.gateway.messaging;

import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.gateway.service.ViewUpdater;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.smallrye.reactive.messaging.ce.IncomingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * Feeds the local view from policy.events and invitations.events. No inbox table: the view is in memory and
 * rebuilt from offset 0 at every start, and every change is idempotent, so a duplicate is harmless by construction.
 * Unusable payloads go to the dead-letter topic ({@code <topic>.dlq.gateway}).
 */
@ApplicationScoped
public class ViewConsumers {

    private static final Logger LOG = Logger.getLogger(ViewConsumers.class);

    private final ViewUpdater updater;
    private final ViewProgress progress;

    public ViewConsumers(ViewUpdater updater, ViewProgress progress) {
        this.updater = updater;
        this.progress = progress;
    }

    @Incoming(ViewRebalanceListeners.POLICY_CHANNEL)
    public CompletionStage<Void> onPolicyEvent(Message<String> message) {
        return handle(message);
    }

    @Incoming(ViewRebalanceListeners.INVITATION_CHANNEL)
    public CompletionStage<Void> onInvitationEvent(Message<String> message) {
        return handle(message);
    }

    private CompletionStage<Void> handle(Message<String> message) {
        String type = type(message);
        var kafka = message.getMetadata(IncomingKafkaRecordMetadata.class).orElse(null);
        try {
            if (updater.apply(type, message.getPayload())) {
                LOG.debugf("applied %s", type);
            }
            return message.ack();
        } catch (RuntimeException e) {
            LOG.warnf("dead-lettering %s event: %s", type, e.getMessage());
            return message.nack(e);
        } finally {
            if (kafka != null) {
                progress.applied(kafka.getTopic(), kafka.getPartition(), kafka.getOffset());
            }
        }
    }

    private static String type(Message<String> message) {
        return message.getMetadata(IncomingCloudEventMetadata.class).map(IncomingCloudEventMetadata::getType)
                .orElseGet(() -> message.getMetadata(IncomingKafkaRecordMetadata.class)
                        .map(m -> m.getHeaders().lastHeader("ce_type"))
                        .map(h -> new String(h.value(), java.nio.charset.StandardCharsets.UTF_8))
                        .orElse(null));
    }
}
