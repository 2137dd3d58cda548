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
 * to {@code <topic>.dlq.audit-service}; a failing append (database trouble) is retried with back-off first.
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
        Duration backoff = config.consumer().initialBackoff();
        return contexts.onFreshContext(() -> auditLog.append(event, draft))
                .onFailure().retry().withBackOff(backoff, backoff.multipliedBy(10))
                .atMost(config.consumer().maxRetries())
                .onItemOrFailure().transformToUni((appended, failure) -> {
                    if (failure != null) {
                        LOG.errorf(failure, "could not audit event %s (%s); dead-lettering it", event.id(), event.type());
                        return Uni.createFrom().completionStage(() -> message.nack(failure));
                    }
                    if (appended.isPresent()) {
                        relay.trigger();
                    }
                    return Uni.createFrom().completionStage(message::ack);
                });
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
