package org.crosstenant.policy.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import org.crosstenant.policy.model.Application;

import java.util.UUID;

@ApplicationScoped
public class ApplicationRepository implements PanacheRepositoryBase<Application, UUID> {

    public Uni<Application> findByTenantAndApp(String tenant, String appId) {
        return find("tenant = ?1 and appId = ?2", tenant, appId).firstResult();
    }

    /** Row lock so two concurrent updates cannot both compute the same next version. */
    public Uni<Application> findForUpdate(String tenant, String appId) {
        return find("tenant = ?1 and appId = ?2", tenant, appId).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }
}
