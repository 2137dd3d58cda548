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

    /** Arbitrary but fixed key of the advisory lock that lets one relay pass at a time publish, cluster-wide. */
    static final long RELAY_LOCK = 0x706f_6c69_6379_6f75L;

    /**
     * Takes the relay's advisory lock for the caller's transaction, if no other relay (another instance) holds it.
     * Row locks alone would let two instances publish interleaved batches, e.g. a tenant's v2 before its v1.
     */
    public Uni<Boolean> tryRelayLock() {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("select pg_try_advisory_xact_lock(:key)", Boolean.class)
                .setParameter("key", RELAY_LOCK)
                .getSingleResult());
    }

    /**
     * The oldest unpublished rows in insertion order ({@code seq}), locked for the caller's transaction; SKIP LOCKED
     * is a second guard so that the same row is never published twice concurrently.
     */
    public Uni<List<OutboxEvent>> lockUnpublished(int limit) {
        return Panache.getSession().chain(session -> session
                // the entity's columns only: seq is not mapped (the database assigns it)
                .createNativeQuery("select id, aggregate_type, aggregate_id, type, topic, payload, occurred_at, "
                        + "published_at from outbox where published_at is null order by seq "
                        + "limit :limit for update skip locked", OutboxEvent.class)
                .setParameter("limit", limit)
                .getResultList());
    }

    public Uni<Long> countUnpublished() {
        return count("publishedAt is null");
    }
}
