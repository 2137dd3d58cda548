package org.crosstenant.audit.model;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.ColumnTransformer;

/**
 * One appended audit record. Never deleted, and never updated except once by retention, which clears the body
 * (the database refuses anything else, see V1__audit_log.sql and V7__retention.sql).
 * JSON columns are mapped as text so that the hash is computed over exactly what we stored.
 */
@Entity
@Table(name = "audit_record")
public class AuditRecordEntity {

    @Id
    public Long sequence;

    @Column(name = "record_id", nullable = false, updatable = false)
    public UUID recordId;

    @Column(nullable = false, updatable = false)
    public String[] tenants;

    @Column(nullable = false, updatable = false)
    public String action;

    @Column(updatable = false)
    public String outcome;

    @Column(updatable = false)
    @ColumnTransformer(read = "actor::text", write = "?::text::jsonb")
    public String actor;

    @Column(name = "resource_tenant", updatable = false)
    public String resourceTenant;

    @Column(name = "home_tenant", updatable = false)
    public String homeTenant;

    @Column(updatable = false)
    public String application;

    @Column(name = "invitation_id", updatable = false)
    public String invitationId;

    @Column(name = "source_event_id", nullable = false, updatable = false)
    public UUID sourceEventId;

    @Column(name = "source_type", nullable = false, updatable = false)
    public String sourceType;

    @Column(name = "occurred_at", nullable = false, updatable = false)
    public Instant occurredAt;

    @Column(name = "recorded_at", nullable = false, updatable = false)
    public Instant recordedAt;

    /** Null once the record is pruned (then {@link #prunedAt} is set), never before. */
    @Column(updatable = false)
    @ColumnTransformer(read = "details::text", write = "?::text::jsonb")
    public String details;

    @Column(name = "previous_hash", nullable = false, updatable = false)
    public String previousHash;

    @Column(nullable = false, updatable = false)
    public String hash;

    /**
     * When retention cleared the body ({@code actor, details, outcome, application, invitationId}); null while the
     * record is whole. Set only by the pruning update (V7__retention.sql), never by Hibernate.
     */
    @Column(name = "pruned_at", insertable = false, updatable = false)
    public Instant prunedAt;
}
