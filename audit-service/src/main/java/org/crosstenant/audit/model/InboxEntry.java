package org.crosstenant.audit.model;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A consumed CloudEvent id; written in the transaction that appended its record. */
@Entity
@Table(name = "inbox")
public class InboxEntry {

    @Id
    @Column(name = "event_id")
    public UUID eventId;

    @Column(nullable = false)
    public String type;

    @Column(name = "processed_at", nullable = false)
    public Instant processedAt;

    public static InboxEntry of(UUID eventId, String type, Instant processedAt) {
        InboxEntry entry = new InboxEntry();
        entry.eventId = eventId;
        entry.type = type;
        entry.processedAt = processedAt;
        return entry;
    }
}
