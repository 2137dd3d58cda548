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

/** A tenant's configuration for one partner tenant; {@code settings} is the normalised v1 form. */
@Entity
@Table(name = "partner_configurations")
public class PartnerConfiguration extends PanacheEntityBase {
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
