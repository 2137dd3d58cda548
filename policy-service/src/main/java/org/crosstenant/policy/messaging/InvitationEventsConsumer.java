package org.crosstenant.policy.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.crosstenant.policy.model.IncomingEvent;
import org.crosstenant.policy.service.DecisionService;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * Consumes invitations.events (binary-mode CloudEvents 1.0, key = invitation id). Headers, key and value are
 * validated by our own code ({@link BinaryCloudEvent}, {@link InvitationEventParser}; the channel's CloudEvents
 * parsing is off), so any malformed record (structured mode, missing or invalid attributes, specversion other than
 * 1.0, unknown type, null key or value, bad JSON, a key that is not the invitation id) is nacked with the reason and
 * dead-lettered, and consumption goes on. A message is acked once its inbox row (and decision) committed. Only a poison
 * message (unparseable or invalid event) is nacked, which the channel's dead-letter-queue failure strategy sends to
 * invitations.events.dlq.policy-service. Any other failure (e.g. the database is down) is retried with back-off
 * without a limit, so the partition waits for the database instead of dead-lettering a valid invitation; the inbox
 * keeps those retries idempotent.
 */
@ApplicationScoped
public class InvitationEventsConsumer {

    private static final Logger LOG = Logger.getLogger(InvitationEventsConsumer.class);

    private final DecisionService decisions;
    private final InvitationEventParser parser;
    private final Vertx vertx;

    public InvitationEventsConsumer(DecisionService decisions, ObjectMapper mapper, Vertx vertx) {
        this.decisions = decisions;
        this.parser = new InvitationEventParser(mapper);
        this.vertx = vertx;
    }

    /**
     * @param message one invitations.events record (String key and value)
     * @return completes once the message is acked (applied or ignored) or nacked (dead-lettered)
     */
    @Incoming("invitations-in")
    public Uni<Void> consume(Message<String> message) {
        IncomingEvent event;
        try {
            IncomingKafkaRecordMetadata<?, ?> kafka = message.getMetadata(IncomingKafkaRecordMetadata.class)
                    .orElseThrow(() -> new PoisonMessageException("not a Kafka record"));
            BinaryCloudEvent cloudEvent = BinaryCloudEvent.read(kafka.getHeaders());
            if (!(kafka.getKey() instanceof String key) || key.isBlank()) {
                throw new PoisonMessageException("record has no key (the key must be the invitation id)");
            }
            event = parser.parse(cloudEvent.id(), cloudEvent.type(), message.getPayload());
            if (event.requested() != null && !key.equals(event.requested().invitationId().toString())) {
                throw new PoisonMessageException("record key " + key + " is not the invitation id "
                        + event.requested().invitationId());
            }
        } catch (PoisonMessageException e) {
            LOG.warnf("poison message on invitations.events, dead-lettered: %s", e.getMessage());
            return Uni.createFrom().completionStage(message.nack(e));
        }
        return SafeContexts.onFreshContext(vertx, () -> decisions.handle(event))
                .onFailure(failure -> !(failure instanceof PoisonMessageException)).retry()
                .withBackOff(Duration.ofMillis(100), Duration.ofSeconds(10)).indefinitely()
                .chain(() -> Uni.createFrom().completionStage(message.ack()))
                .onFailure(PoisonMessageException.class).recoverWithUni(failure -> {
                    LOG.errorf(failure, "event %s (%s) is poison, dead-lettered", event.id(), event.type());
                    return Uni.createFrom().completionStage(message.nack(failure));
                });
    }
}
