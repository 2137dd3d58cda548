package org.crosstenant.policy.service;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import org.crosstenant.policy.model.OutboxEvent;
import org.crosstenant.policy.repository.OutboxRepository;

import java.time.Instant;
import java.util.UUID;

/** Adds an event to the outbox; must run inside the transaction of the state change it describes. */
@ApplicationScoped
public class OutboxWriter {

    private final OutboxRepository outbox;

    public OutboxWriter(OutboxRepository outbox) {
        this.outbox = outbox;
    }

    public Uni<OutboxEvent> append(String aggregateType, String aggregateId, String type, String topic,
                                   JsonObject payload, Instant occurredAt) {
        OutboxEvent event = new OutboxEvent();
        event.id = UUID.randomUUID();
        event.aggregateType = aggregateType;
        event.aggregateId = aggregateId;
        event.type = type;
        event.topic = topic;
        event.payload = payload;
        event.occurredAt = occurredAt;
        return outbox.persist(event);
    }
}
