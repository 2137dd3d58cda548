package org.crosstenant.policy.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** An event waiting to be published; written in the same transaction as the state change it describes. */
@Entity
@Table(name = "outbox")
public class OutboxEvent extends PanacheEntityBase {
    @Id
    public UUID id;
    @Column(name = "aggregate_type")
    public String aggregateType;
    @Column(name = "aggregate_id")
    public String aggregateId;
    public String type;
    public String topic;
    /** Plain maps and lists only: Hibernate writes it with Jackson. */
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> payload;
    @Column(name = "occurred_at")
    public Instant occurredAt;
    @Column(name = "published_at")
    public Instant publishedAt;
    /** Failed sends so far (transient failures; a permanent failure parks the row at once). */
    public int attempts;
    /** When the relay gave up on this row (never published unless an operator re-queues it); null otherwise. */
    @Column(name = "parked_at")
    public Instant parkedAt;
}
