package org.crosstenant.policy.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import org.crosstenant.policy.model.PartnerConfiguration;

import java.util.UUID;

@ApplicationScoped
public class PartnerConfigurationRepository implements PanacheRepositoryBase<PartnerConfiguration, UUID> {

    public Uni<PartnerConfiguration> findByTenantAndPartner(String tenant, String partner) {
        return find("tenant = ?1 and partner = ?2", tenant, partner).firstResult();
    }

    /** Row lock so two concurrent updates cannot both compute the same next version. */
    public Uni<PartnerConfiguration> findForUpdate(String tenant, String partner) {
        return find("tenant = ?1 and partner = ?2", tenant, partner)
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }
}
