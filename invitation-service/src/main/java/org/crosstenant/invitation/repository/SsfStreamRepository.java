package org.crosstenant.invitation.repository;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.invitation.model.SsfStream;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/** The registered Shared Signals receivers ({@link SsfStream}). */
@ApplicationScoped
public class SsfStreamRepository implements PanacheRepositoryBase<SsfStream, UUID> {

    /** A tenant's streams, oldest first. */
    public Uni<List<SsfStream>> ofTenant(String tenant) {
        return list("tenant = ?1 order by createdAt, id", tenant);
    }

    /** How many streams a tenant has. */
    public Uni<Long> countOfTenant(String tenant) {
        return count("tenant", tenant);
    }

    /** One stream of the tenant, or null (also when it is another tenant's). */
    public Uni<SsfStream> ofTenant(String tenant, UUID id) {
        return find("id = ?1 and tenant = ?2", id, tenant).firstResult();
    }

    /** Every stream of the given tenants (their filter by event type is the caller's). */
    public Uni<List<SsfStream>> ofTenants(Collection<String> tenants) {
        return list("tenant in ?1 order by createdAt, id", tenants);
    }
}
