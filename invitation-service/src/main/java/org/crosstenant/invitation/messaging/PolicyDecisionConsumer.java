package org.crosstenant.invitation.messaging;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.invitation.service.InvitationService;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.ce.IncomingCloudEventMetadata;

/**
 * Consumes {@code policy.decisions}. Acknowledges after the handler's transaction committed. Only poison (a message
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
        Optional<IncomingCloudEventMetadata> metadata = message.getMetadata(IncomingCloudEventMetadata.class);
        if (metadata.isEmpty()) {
            throw new PoisonMessageException("not a CloudEvent (no ce_* headers): cannot deduplicate it");
        }
        IncomingCloudEventMetadata<?> ce = metadata.get();
        if (!PolicyDecisionParser.TYPE.equals(ce.getType())) {
            // other (e.g. newer) types may share the topic; they are not ours to fail on
            LOG.debugf("Ignoring event %s of type %s", ce.getId(), ce.getType());
            return Uni.createFrom().voidItem();
        }
        UUID eventId;
        try {
            eventId = UUID.fromString(ce.getId());
        } catch (IllegalArgumentException e) {
            throw new PoisonMessageException("ce_id is not a UUID: " + ce.getId());
        }
        PolicyDecision decision = parser.parse(message.getPayload());
        return invitations.applyDecision(eventId, ce.getType(), decision);
    }
}
