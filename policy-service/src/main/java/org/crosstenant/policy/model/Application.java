package org.crosstenant.policy.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** A shared application registered by a resource tenant. */
@Entity
@Table(name = "applications")
public class Application extends PanacheEntityBase {
    @Id
    public UUID id;
    public String tenant;
    @Column(name = "app_id")
    public String appId;
    @Column(name = "upstream_url")
    public String upstreamUrl;
    @Column(name = "display_name")
    public String displayName;
    /** Whether guests and direct-connect users must satisfy MFA (enforced by the gateway). */
    @Column(name = "require_mfa")
    public boolean requireMfa;
    public long version;
    @Column(name = "updated_at")
    public Instant updatedAt;
    @Column(name = "updated_by")
    public String updatedBy;
}
