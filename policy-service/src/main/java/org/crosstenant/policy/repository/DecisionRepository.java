package org.crosstenant.policy.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.crosstenant.policy.model.Decision;

import java.util.UUID;

@ApplicationScoped
public class DecisionRepository implements PanacheRepositoryBase<Decision, UUID> {

    public Uni<Decision> findByInvitation(UUID invitationId) {
        return find("invitationId", invitationId).firstResult();
    }
}
