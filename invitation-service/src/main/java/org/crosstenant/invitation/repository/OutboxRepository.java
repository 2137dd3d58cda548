package org.crosstenant.invitation.repository;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.invitation.model.OutboxEvent;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class OutboxRepository implements PanacheRepositoryBase<OutboxEvent, UUID> {

    /** Arbitrary, fixed: the advisory lock that makes one relay at a time publish (cluster-wide). */
    static final long RELAY_LOCK = 0x696e_7669_6f75_74L;

    /**
     * Takes the relay's transaction-scoped advisory lock, if free. One relay at a time keeps each invitation's events
     * in commit order even with several instances (row locks alone would let two relays interleave batches).
     */
    public Uni<Boolean> tryRelayLock() {
        return Panache.getSession().flatMap(session -> session
                .createNativeQuery("select pg_try_advisory_xact_lock(:key)", Boolean.class)
                .setParameter("key", RELAY_LOCK)
                .getSingleResult());
    }

    /**
     * Unpublished rows in commit order, locked until the caller's transaction ends; SKIP LOCKED keeps a second relay
     * (another instance, or the timer racing the after-commit trigger) from publishing the same rows at the same time.
     */
    public Uni<List<OutboxEvent>> lockUnpublished(int limit) {
        return Panache.getSession().flatMap(session -> session
                .createNativeQuery("select id, aggregate_type, aggregate_id, type, topic, payload::text as payload,"
                        + " occurred_at, published_at from outbox where published_at is null"
                        + " order by seq limit :limit for update skip locked", OutboxEvent.class)
                .setParameter("limit", limit)
                .getResultList());
    }

    public Uni<Integer> markPublished(UUID id, Instant at) {
        return Panache.getSession().flatMap(session -> session
                .createNativeQuery("update outbox set published_at = :at where id = :id")
                .setParameter("at", at)
                .setParameter("id", id)
                .executeUpdate());
    }
}
