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
    /** Rows waiting to be published: the predicate of the partial index {@code outbox_pending_idx}. */
    private static final String PENDING = "published_at is null and parked_at is null";

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
     * The due-rows query of {@link #lockDue} ({@code :limit} is its one parameter), public for the plan test. The
     * per-aggregate check reads only rows backing off ({@code outbox_waiting_idx}: none in normal operation; after a
     * broker outage the rows that failed, until they are published), so its cost does not grow with the backlog of
     * rows waiting for their first send. The entity's columns only: seq is not mapped.
     */
    public static final String DUE_ROWS = "select o.id, o.aggregate_type, o.aggregate_id, o.type, o.topic, o.payload, "
            + "o.occurred_at, o.published_at, o.attempts, o.parked_at from outbox o "
            + "where o.published_at is null and o.parked_at is null "
            + "and (o.next_attempt_at is null or o.next_attempt_at <= now()) "
            + "and not exists (select 1 from outbox e where e.aggregate_type = o.aggregate_type "
            + "and e.aggregate_id = o.aggregate_id and e.published_at is null and e.parked_at is null "
            + "and e.seq < o.seq and e.next_attempt_at > now()) "
            + "order by o.seq limit :limit for update of o skip locked";

    /**
     * The rows due for a send, oldest first ({@code seq}), locked for the caller's transaction: neither published nor
     * parked, past their back-off ({@code next_attempt_at}), and not behind an earlier row of their aggregate that is
     * still backing off — a later row of an aggregate waits while an earlier one is being retried (per-aggregate
     * order), while other aggregates flow on. SKIP LOCKED is a second guard so that the same row is never published twice concurrently.
     *
     * @param limit at most this many rows
     */
    public Uni<List<OutboxEvent>> lockDue(int limit) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery(DUE_ROWS, OutboxEvent.class)
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

    /**
     * Records a transient send failure: the row is sent again, not before {@code notBefore}.
     *
     * @param id        outbox row id
     * @param attempts  failed sends so far, this one included
     * @param notBefore earliest next send (UTC)
     * @param error     the failure, at most 1000 characters
     */
    public Uni<Integer> retryLater(UUID id, int attempts, Instant notBefore, String error) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("update outbox set attempts = :attempts, next_attempt_at = :next, "
                        + "last_error = :error where id = :id")
                .setParameter("attempts", attempts)
                .setParameter("next", notBefore.atOffset(ZoneOffset.UTC))
                .setParameter("error", error)
                .setParameter("id", id)
                .executeUpdate());
    }

    /**
     * Parks a row: the relay never sends it again unless an operator re-queues it (docs/topics.md).
     *
     * @param id       outbox row id
     * @param attempts failed sends so far, this one included
     * @param at       when (UTC)
     * @param reason   why, at most 1000 characters
     */
    public Uni<Integer> park(UUID id, int attempts, Instant at, String reason) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("update outbox set attempts = :attempts, parked_at = :at, park_reason = :reason, "
                        + "last_error = :reason where id = :id")
                .setParameter("attempts", attempts)
                .setParameter("at", at.atOffset(ZoneOffset.UTC))
                .setParameter("reason", reason)
                .setParameter("id", id)
                .executeUpdate());
    }

    /** Rows still to be published: neither published nor parked. */
    public Uni<Long> countUnpublished() {
        return count("publishedAt is null and parkedAt is null");
    }

    /**
     * The backlog in one query: how many rows wait (parked rows not included), when the oldest of them occurred,
     * and how many rows are parked.
     *
     * @return counts (≥ 0) and the oldest {@code occurred_at}, null when nothing waits
     */
    public Uni<Backlog> backlog() {
        return Panache.getSession().chain(session -> session
                // each part reads only its partial index (pending, parked): a filter over the whole table grew with
                // every event ever published (published rows stay), a full scan per metrics refresh
                .createNativeQuery("select (select count(*) from outbox where " + PENDING + "),"
                        + " (select min(occurred_at) from outbox where " + PENDING + "),"
                        + " (select count(*) from outbox where published_at is null and parked_at is not null)",
                        Object[].class)
                .getSingleResult()
                .map(row -> new Backlog(((Number) row[0]).longValue(), toInstant(row[1]),
                        ((Number) row[2]).longValue())));
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

    /** Rows waiting: how many, the {@code occurred_at} of the oldest (null when none), and how many are parked. */
    public record Backlog(long count, Instant oldest, long parked) {
    }
}
