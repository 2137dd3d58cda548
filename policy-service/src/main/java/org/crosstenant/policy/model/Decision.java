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

/** The policy decision for one invitation. */
@Entity
@Table(name = "decisions")
public class Decision extends PanacheEntityBase {
    @Id
    public UUID id;
    @Column(name = "invitation_id")
    public UUID invitationId;
    @Column(name = "resource_tenant")
    public String resourceTenant;
    @Column(name = "home_tenant")
    public String homeTenant;
    public String application;
    @Column(name = "invitee_email")
    public String inviteeEmail;
    public String outcome;
    /** {"reasons": [...], "policyVersions": {...}}: kept as one JSON object. */
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> evaluation;
    @Column(name = "decided_at")
    public Instant decidedAt;
}
