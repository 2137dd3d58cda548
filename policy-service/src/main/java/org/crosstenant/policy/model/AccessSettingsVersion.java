package org.crosstenant.policy.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.io.Serializable;
import java.time.Instant;
import java.util.Map;

/**
 * One version of a configuration in its history: who changed it, when, and the whole configuration as stored then
 * ({@code settings} null = deleted). {@code partner} is {@link PartnerConfiguration#DEFAULT} for the default.
 */
@Entity
@Table(name = "access_settings_history")
@IdClass(AccessSettingsVersion.Key.class)
public class AccessSettingsVersion extends PanacheEntityBase {

    /** Primary key: (tenant, partner, version). */
    public static class Key implements Serializable {
        public String tenant;
        public String partner;
        public long version;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.tenant.equals(tenant) && k.partner.equals(partner) && k.version == version;
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(tenant, partner, version);
        }
    }

    @Id
    public String tenant;
    @Id
    public String partner;
    @Id
    public long version;
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> settings;
    @Column(name = "changed_by_tenant")
    public String changedByTenant;
    @Column(name = "changed_by_subject")
    public String changedBySubject;
    @Column(name = "changed_by_email")
    public String changedByEmail;
    @Column(name = "changed_at")
    public Instant changedAt;
}
