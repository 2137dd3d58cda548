package org.crosstenant.audit.model;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.ColumnTransformer;

/** A message to publish, committed with the record it describes. */
@Entity
@Table(name = "outbox")
public class OutboxEntry {

    @Id
    public UUID id;

    /** Filled by the database (bigserial); the relay publishes in this order. */
    @Column(insertable = false, updatable = false)
    public Long position;

    @Column(name = "aggregate_type", nullable = false)
    public String aggregateType;

    /** The Kafka key. */
    @Column(name = "aggregate_id", nullable = false)
    public String aggregateId;

    @Column(nullable = false)
    public String type;

    @Column(nullable = false)
    public String topic;

    @Column(nullable = false)
    @ColumnTransformer(read = "payload::text", write = "?::text::jsonb")
    public String payload;

    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;

    @Column(name = "published_at")
    public Instant publishedAt;
}
