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

/**
 * One stored access configuration of a tenant: for one partner tenant, or its default ({@code partner} =
 * {@link #DEFAULT}). {@code settings} is the canonical configuration document; null when the partner configuration
 * was deleted (the row keeps counting versions). {@code version} starts at 1 and grows by one per change.
 */
@Entity
@Table(name = "partner_configurations")
public class PartnerConfiguration extends PanacheEntityBase {
    /** The {@code partner} value of a tenant's default configuration; never a tenant id (Identifiers.ID). */
    public static final String DEFAULT = "*";

    @Id
    public UUID id;
    public String tenant;
    public String partner;
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> settings;
    public long version;
    @Column(name = "updated_at")
    public Instant updatedAt;
    @Column(name = "updated_by")
    public String updatedBy;
}
