package org.crosstenant.policy.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.crosstenant.policy.model.OutboxEvent;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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

    /**
     * Marks the given rows published in one statement (one round trip for a whole relay batch).
     *
     * @param ids         outbox row ids, all acknowledged by the broker
     * @param publishedAt when (UTC, microseconds)
     * @return how many rows changed
     */
    public Uni<Integer> markPublished(List<UUID> ids, Instant publishedAt) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return Panache.getSession().chain(session -> session
                .createNativeQuery("update outbox set published_at = :at where id = any(:ids)")
                .setParameter("at", publishedAt.atOffset(ZoneOffset.UTC))
                .setParameter("ids", ids.toArray(UUID[]::new))
                .executeUpdate());
    }

    public Uni<Long> countUnpublished() {
        return count("publishedAt is null");
    }

    /**
     * The backlog in one query: how many rows wait and when the oldest of them occurred.
     *
     * @return count (≥ 0) and the oldest {@code occurred_at}, null when nothing waits
     */
    public Uni<Backlog> backlog() {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("select count(*), min(occurred_at) from outbox where published_at is null",
                        Object[].class)
                .getSingleResult()
                .map(row -> new Backlog(((Number) row[0]).longValue(), toInstant(row[1]))));
    }

    private static Instant toInstant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof OffsetDateTime offset) {
            return offset.toInstant();
        }
        if (value instanceof java.sql.Timestamp timestamp) {
            return timestamp.toInstant();
        }
        if (value instanceof LocalDateTime local) {
            return local.toInstant(ZoneOffset.UTC);
        }
        throw new IllegalStateException("unexpected occurred_at type " + value.getClass());
    }

    /** Unpublished rows: how many, and the {@code occurred_at} of the oldest (null when none). */
    public record Backlog(long count, Instant oldest) {
    }
}
