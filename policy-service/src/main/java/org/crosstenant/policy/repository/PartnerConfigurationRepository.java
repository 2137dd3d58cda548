package org.crosstenant.policy.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import org.crosstenant.policy.model.PartnerConfiguration;

import java.util.List;
import java.util.UUID;

/** Stored configurations: partner configurations and defaults ({@link PartnerConfiguration#DEFAULT}). */
@ApplicationScoped
public class PartnerConfigurationRepository implements PanacheRepositoryBase<PartnerConfiguration, UUID> {

    /** @return the row (also a deleted one, settings null), or null */
    public Uni<PartnerConfiguration> findByTenantAndPartner(String tenant, String partner) {
        return find("tenant = ?1 and partner = ?2", tenant, partner).firstResult();
    }

    /** Row lock so two concurrent updates cannot both compute the same next version. */
    public Uni<PartnerConfiguration> findForUpdate(String tenant, String partner) {
        return find("tenant = ?1 and partner = ?2", tenant, partner)
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    /** @return the tenant's live (not deleted) partner configurations, default excluded, by partner id */
    public Uni<List<PartnerConfiguration>> livePartnersOf(String tenant) {
        return list("tenant = ?1 and partner <> ?2 and settings is not null order by partner", tenant,
                PartnerConfiguration.DEFAULT);
    }
}
