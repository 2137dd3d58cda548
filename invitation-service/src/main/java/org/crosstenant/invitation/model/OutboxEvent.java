package org.crosstenant.invitation.model;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.ColumnTransformer;

/** One event waiting for (or done with) publication; its id becomes the CloudEvent id. */
@Entity
@Table(name = "outbox")
public class OutboxEvent {

    @Id
    public UUID id;

    @Column(name = "aggregate_type", nullable = false)
    public String aggregateType;

    @Column(name = "aggregate_id", nullable = false)
    public String aggregateId;

    @Column(nullable = false)
    public String type;

    @Column(nullable = false)
    public String topic;

    /**
     * The JSON payload as text; the column is jsonb. The parameter is cast to text first: bound straight to jsonb,
     * the reactive PostgreSQL client would store a Java String as a JSON string scalar (JSON in a string).
     */
    @Column(nullable = false)
    @ColumnTransformer(read = "payload::text", write = "cast(cast(? as text) as jsonb)")
    public String payload;

    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;

    @Column(name = "published_at")
    public Instant publishedAt;

    /** Failed sends so far (transient failures; a permanent failure parks the row at once). */
    @Column(nullable = false)
    public int attempts;

    /** When the relay gave up on this row (never published unless an operator re-queues it); null otherwise. */
    @Column(name = "parked_at")
    public Instant parkedAt;
}
