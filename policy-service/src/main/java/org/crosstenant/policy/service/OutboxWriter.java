package org.crosstenant.policy.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import org.crosstenant.policy.model.OutboxEvent;
import org.crosstenant.policy.repository.OutboxRepository;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Adds an event to the outbox; must run inside the transaction of the state change it describes. */
@ApplicationScoped
public class OutboxWriter {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final OutboxRepository outbox;
    private final ObjectMapper mapper;

    public OutboxWriter(OutboxRepository outbox, ObjectMapper mapper) {
        this.outbox = outbox;
        this.mapper = mapper;
    }

    public Uni<OutboxEvent> append(String aggregateType, String aggregateId, String type, String topic,
                                   JsonObject payload, Instant occurredAt) {
        OutboxEvent event = new OutboxEvent();
        event.id = UUID.randomUUID();
        event.aggregateType = aggregateType;
        event.aggregateId = aggregateId;
        event.type = type;
        event.topic = topic;
        // plain maps and lists, which Hibernate's Jackson mapper writes as they are
        try {
            event.payload = mapper.readValue(payload.encode(), MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event payload is not JSON", e);
        }
        event.occurredAt = occurredAt;
        return outbox.persist(event);
    }
}
