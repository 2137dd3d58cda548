package org.crosstenant.gateway.messaging;

import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.gateway.service.ViewUpdater;
import org.crosstenant.platform.messaging.MalformedUtf8Exception;
import org.crosstenant.platform.messaging.StrictUtf8;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * Feeds the local view from policy.events and invitations.events. No inbox table: the view is in memory and
 * rebuilt from offset 0 at every start, and every change is idempotent, so a duplicate is harmless by construction.
 * <p>
 * Every record either changes the view, is ignored (a type the gateway does not use, e.g. requested.v1 or a type
 * added later by a producer), or is nacked, which the channel's dead-letter-queue failure strategy sends to
 * {@code <topic>.dlq.gateway} with the reason in the {@code dead-letter-reason} header; the consumer then moves on.
 * Nacked: missing or malformed CloudEvents headers ({@link CloudEventHeaders}), no key, a key, value or header that
 * is not UTF-8 (whatever the type), and for a used type a null,
 * non-JSON or incomplete payload. The gateway has no database, so no failure here is transient: nothing is retried.
 * <p>
 * Every record handled, whichever of the three, is then noted by its {@code ce_id} in {@link ReadYourWrites}: an
 * {@code /api} answer waiting for it may go out.
 */
@ApplicationScoped
public class ViewConsumers {

    private static final Logger LOG = Logger.getLogger(ViewConsumers.class);

    private final ViewUpdater updater;
    private final ViewProgress progress;
    private final ReadYourWrites readYourWrites;

    public ViewConsumers(ViewUpdater updater, ViewProgress progress, ReadYourWrites readYourWrites) {
        this.updater = updater;
        this.progress = progress;
        this.readYourWrites = readYourWrites;
    }

    /** policy.events (binary-mode CloudEvents, JSON string values): acked when applied or ignored, else nacked. */
    @Incoming(ViewRebalanceListeners.POLICY_CHANNEL)
    public CompletionStage<Void> onPolicyEvent(Message<String> message) {
        return handle(ViewRebalanceListeners.POLICY_CHANNEL, message);
    }

    /** invitations.events (binary-mode CloudEvents, JSON string values): acked when applied or ignored, else nacked. */
    @Incoming(ViewRebalanceListeners.INVITATION_CHANNEL)
    public CompletionStage<Void> onInvitationEvent(Message<String> message) {
        return handle(ViewRebalanceListeners.INVITATION_CHANNEL, message);
    }

    private CompletionStage<Void> handle(String channel, Message<String> message) {
        var kafka = message.getMetadata(IncomingKafkaRecordMetadata.class).orElse(null);
        String type = null;
        try {
            if (kafka != null) {
                // before the type filter: a record that is not UTF-8 is dead-lettered whatever its type
                CloudEventHeaders.requireDeserialized(kafka.getKey(), message.getPayload(), kafka.getHeaders());
            }
            CloudEventHeaders ce = CloudEventHeaders.read(kafka == null ? null : kafka.getHeaders(),
                    kafka == null ? null : kafka.getKey());
            type = ce.type();
            if (updater.apply(type, message.getPayload())) {
                LOG.debugf("applied %s %s", type, ce.id());
            } else {
                LOG.debugf("ignored %s %s (not a type the gateway uses)", type, ce.id());
            }
            return message.ack();
        } catch (RuntimeException e) {
            // the reason may repeat the record's own content: bounded so the dead letter stays far below the
            // producer's max request size, and no cause whose message would be written as dead-letter-cause
            String reason = Echo.of(e.getMessage() == null ? e.toString() : e.getMessage());
            LOG.warnf("dead-lettering record %s of %s (type %s): %s", kafka == null ? "?" : kafka.getTopic() + "-"
                    + kafka.getPartition() + "@" + kafka.getOffset(), channel, type, reason);
            return message.nack(new IllegalArgumentException(reason));
        } finally {
            if (kafka != null) {
                progress.applied(channel, kafka.getTopic(), kafka.getPartition(), kafka.getOffset());
                // after the view change: an /api answer waiting for this event may now tell its caller it is enforced
                readYourWrites.passed(eventId(kafka));
            }
        }
    }

    /** The record's {@code ce_id}, or null when absent or not UTF-8 (even a record dead-lettered for that passed). */
    private static String eventId(IncomingKafkaRecordMetadata<?, ?> kafka) {
        try {
            return StrictUtf8.header(kafka.getHeaders(), "ce_id");
        } catch (MalformedUtf8Exception e) {
            return null;
        }
    }
}
