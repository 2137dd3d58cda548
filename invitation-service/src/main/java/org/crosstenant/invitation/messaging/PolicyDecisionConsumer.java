package org.crosstenant.invitation.messaging;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.invitation.service.InvitationService;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * Consumes {@code policy.decisions}: binary-mode CloudEvents 1.0 of type {@code org.crosstenant.policy.decided.v1}
 * (the channel reads the {@code ce_*} headers itself, {@code cloud-events=false}, so that malformed headers or a
 * structured-mode record become dead letters instead of failing the channel). Acknowledges after the handler's transaction committed. Only poison (a message
 * that can never be applied) is nacked, which the channel's failure strategy sends to the dead-letter topic; any other
 * failure (database down, pool exhausted) retries the same message with back-off, without limit, so the partition
 * waits for the database instead of dead-lettering a valid decision. A retry is idempotent: the inbox row commits with
 * the change, so an attempt whose commit did go through is skipped the next time.
 */
@ApplicationScoped
public class PolicyDecisionConsumer {

    private static final Logger LOG = Logger.getLogger(PolicyDecisionConsumer.class);
    static final Duration RETRY_MIN_BACKOFF = Duration.ofMillis(200);
    static final Duration RETRY_MAX_BACKOFF = Duration.ofSeconds(10);

    private final PolicyDecisionParser parser;
    private final InvitationService invitations;

    public PolicyDecisionConsumer(PolicyDecisionParser parser, InvitationService invitations) {
        this.parser = parser;
        this.invitations = invitations;
    }

    /**
     * Applies one decision record.
     *
     * @param message the Kafka record (String key and value, {@code ce_*} headers)
     * @return completes once the message is acked (applied or a duplicate) or nacked to the dead-letter topic with
     *         the reason in its {@code dead-letter-reason} header
     */
    @Incoming("policy-decisions")
    public Uni<Void> onDecision(Message<String> message) {
        return Uni.createFrom().deferred(() -> handle(message))
                .onFailure(failure -> !isPoison(failure)).invoke(failure -> LOG.warnf(
                        "Decision message not applied, retrying it: %s", failure.toString()))
                .onFailure(failure -> !isPoison(failure)).retry()
                .withBackOff(RETRY_MIN_BACKOFF, RETRY_MAX_BACKOFF).indefinitely()
                .onItem().transformToUni(ignored -> Uni.createFrom().completionStage(message.ack()))
                .onFailure().recoverWithUni(failure -> {
                    LOG.warnf("Decision message rejected to the dead-letter topic: %s", failure.getMessage());
                    return Uni.createFrom().completionStage(message.nack(failure));
                });
    }

    /** Poison may arrive wrapped (e.g. by the transaction machinery); anything else is worth retrying. */
    static boolean isPoison(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PoisonMessageException) {
                return true;
            }
        }
        return false;
    }

    private Uni<Void> handle(Message<String> message) {
        IncomingKafkaRecordMetadata<?, ?> record = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElseThrow(() -> new PoisonMessageException("not a Kafka record"));
        CloudEventHeaders ce = CloudEventHeaders.read(record.getHeaders());
        if (!PolicyDecisionParser.TYPE.equals(ce.type())) {
            // this topic carries decided.v1 only (docs/topics.md): anything else would be silently lost if skipped
            throw new PoisonMessageException("unknown ce_type " + ce.type() + " on " + record.getTopic()
                    + "; expected " + PolicyDecisionParser.TYPE);
        }
        if (record.getKey() == null) {
            throw new PoisonMessageException("record without a key; the key must be the invitation id");
        }
        PolicyDecision decision = parser.parse(message.getPayload());
        return invitations.applyDecision(ce.id(), ce.type(), decision);
    }
}
