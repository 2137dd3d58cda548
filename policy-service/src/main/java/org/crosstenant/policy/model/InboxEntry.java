package org.crosstenant.policy.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/**
 * A consumed CloudEvent id; written (set-based, by DecisionBatchRepository) in the transaction that applies the event,
 * so a redelivery is skipped.
 */
@Entity
@Table(name = "inbox")
public class InboxEntry extends PanacheEntityBase {
    @Id
    @Column(name = "event_id")
    public UUID eventId;
    public String type;
    @Column(name = "processed_at")
    public Instant processedAt;
}
