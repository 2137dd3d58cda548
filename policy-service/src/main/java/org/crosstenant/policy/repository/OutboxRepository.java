package org.crosstenant.policy.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.crosstenant.policy.model.OutboxEvent;

import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class OutboxRepository implements PanacheRepositoryBase<OutboxEvent, UUID> {

    /**
     * The oldest unpublished rows, locked for the caller's transaction; SKIP LOCKED lets a second relay (another
     * instance) take other rows instead of publishing the same ones concurrently.
     */
    public Uni<List<OutboxEvent>> lockUnpublished(int limit) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("select * from outbox where published_at is null order by occurred_at, id "
                        + "limit :limit for update skip locked", OutboxEvent.class)
                .setParameter("limit", limit)
                .getResultList());
    }

    public Uni<Long> countUnpublished() {
        return count("publishedAt is null");
    }
}
