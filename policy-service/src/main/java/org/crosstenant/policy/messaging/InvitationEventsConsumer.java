package org.crosstenant.policy.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.crosstenant.policy.model.IncomingEvent;
import org.crosstenant.policy.service.DecisionService;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Consumes invitations.events. A message is acked once its inbox row (and decision) committed. Only a poison
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

    @Incoming("invitations-in")
    public Uni<Void> consume(Message<String> message) {
        IncomingEvent event;
        try {
            Headers headers = message.getMetadata(IncomingKafkaRecordMetadata.class)
                    .map(IncomingKafkaRecordMetadata::getHeaders).orElse(null);
            event = parser.parse(header(headers, "ce_id"), header(headers, "ce_type"), message.getPayload());
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

    private static String header(Headers headers, String name) {
        if (headers == null) {
            return null;
        }
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
