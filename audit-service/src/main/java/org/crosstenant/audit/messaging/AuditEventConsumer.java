package org.crosstenant.audit.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.ce.IncomingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

import org.apache.kafka.common.header.Header;
import org.crosstenant.audit.config.AuditConfig;
import org.crosstenant.audit.model.AuditDraft;
import org.crosstenant.audit.model.IncomingEvent;
import org.crosstenant.audit.service.AuditLog;
import org.crosstenant.audit.service.ReactiveContexts;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Audits every event of the four topics. Poison (unknown type, bad envelope or payload) is nacked at once and goes
 * to {@code <topic>.dlq.audit-service}; any other failure of the append (database trouble) is retried with back-off
 * without limit, so a valid event is never dropped from the tamper-evident log.
 */
@ApplicationScoped
public class AuditEventConsumer {

    private static final Logger LOG = Logger.getLogger(AuditEventConsumer.class);

    private final AuditEventTranslator translator;
    private final AuditLog auditLog;
    private final OutboxRelay relay;
    private final ReactiveContexts contexts;
    private final AuditConfig config;

    public AuditEventConsumer(AuditEventTranslator translator, AuditLog auditLog, OutboxRelay relay,
            ReactiveContexts contexts, AuditConfig config) {
        this.translator = translator;
        this.auditLog = auditLog;
        this.relay = relay;
        this.contexts = contexts;
        this.config = config;
    }

    @Incoming("invitations-events")
    public Uni<Void> invitationEvent(Message<String> message) {
        return handle("invitations.events", message);
    }

    @Incoming("policy-decisions")
    public Uni<Void> policyDecision(Message<String> message) {
        return handle("policy.decisions", message);
    }

    @Incoming("policy-events")
    public Uni<Void> policyEvent(Message<String> message) {
        return handle("policy.events", message);
    }

    @Incoming("gateway-access")
    public Uni<Void> gatewayAccess(Message<String> message) {
        return handle("gateway.access", message);
    }

    Uni<Void> handle(String channelTopic, Message<String> message) {
        IncomingEvent event;
        AuditDraft draft;
        try {
            event = envelope(channelTopic, message);
            draft = translator.translate(event.type(), event.payload());
        } catch (PoisonEventException e) {
            LOG.warnf("dead-lettering a message of %s: %s", channelTopic, e.getMessage());
            return Uni.createFrom().completionStage(() -> message.nack(e));
        }
        Duration initial = config.consumer().initialBackoff();
        Duration max = config.consumer().maxBackoff();
        // Anything but poison (database down, pool exhausted, serialization conflict) is retried for as long as it
        // takes: dead-lettering a valid event would silently leave it out of the audit log. The partition waits for
        // the database; the inbox makes the eventual append idempotent.
        return untilAppended(contexts.onFreshContext(() -> auditLog.append(event, draft)), initial, max,
                event.id() + " (" + event.type() + ")")
                .onItemOrFailure().transformToUni((appended, failure) -> {
                    if (failure != null) {
                        LOG.warnf("dead-lettering event %s (%s): %s", event.id(), event.type(), failure.getMessage());
                        return Uni.createFrom().completionStage(() -> message.nack(failure));
                    }
                    if (appended.isPresent()) {
                        relay.trigger();
                    }
                    return Uni.createFrom().completionStage(message::ack);
                });
    }

    /** Resubscribes to {@code append} after every failure but poison, with back-off from initial to max, forever. */
    static <T> Uni<T> untilAppended(Uni<T> append, Duration initial, Duration max, String what) {
        return append
                .onFailure(AuditEventConsumer::retryable)
                .invoke(failure -> LOG.warnf("could not audit event %s yet, retrying: %s", what, failure.toString()))
                .onFailure(AuditEventConsumer::retryable).retry()
                .withBackOff(initial, max.compareTo(initial) < 0 ? initial : max).indefinitely();
    }

    /** Only poison may reach the dead-letter topic; every other failure is transient as far as we can tell. */
    static boolean retryable(Throwable failure) {
        return !(failure instanceof PoisonEventException);
    }

    /** The CloudEvent id and type, from the connector's CloudEvent metadata or, failing that, the raw headers. */
    static IncomingEvent envelope(String channelTopic, Message<String> message) {
        String id = null;
        String type = null;
        Optional<IncomingCloudEventMetadata> cloudEvent = message.getMetadata(IncomingCloudEventMetadata.class);
        if (cloudEvent.isPresent()) {
            id = cloudEvent.get().getId();
            type = cloudEvent.get().getType();
        }
        Optional<IncomingKafkaRecordMetadata> kafka = message.getMetadata(IncomingKafkaRecordMetadata.class);
        String topic = kafka.map(IncomingKafkaRecordMetadata::getTopic).orElse(channelTopic);
        if (kafka.isPresent()) {
            if (id == null) {
                id = header(kafka.get(), "ce_id");
            }
            if (type == null) {
                type = header(kafka.get(), "ce_type");
            }
        }
        if (id == null || type == null) {
            throw new PoisonEventException("not a CloudEvent: ce_id or ce_type missing");
        }
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new PoisonEventException("ce_id is not a UUID: " + id, e);
        }
        return new IncomingEvent(topic, uuid, type, message.getPayload());
    }

    private static String header(IncomingKafkaRecordMetadata<?, ?> metadata, String name) {
        Header header = metadata.getHeaders().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
