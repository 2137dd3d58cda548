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
    /** Rows waiting to be published: the predicate of the partial index {@code outbox_pending_idx}. */
    private static final String PENDING = "published_at is null and parked_at is null";

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
     * The due-rows query of {@link #lockDue} ({@code :limit} is its one parameter), public for the plan test. The
     * per-aggregate check reads only rows backing off ({@code outbox_waiting_idx}: none in normal operation; after a
     * broker outage the rows that failed, until they are published), so its cost does not grow with the backlog of
     * rows waiting for their first send. The entity's columns only: seq is not mapped.
     */
    public static final String DUE_ROWS = "select o.id, o.aggregate_type, o.aggregate_id, o.type, o.topic,"
            + " o.payload::text as payload, o.occurred_at, o.published_at, o.attempts, o.parked_at"
            + " from outbox o where o.published_at is null and o.parked_at is null"
            + " and (o.next_attempt_at is null or o.next_attempt_at <= now())"
            + " and not exists (select 1 from outbox e where e.aggregate_type = o.aggregate_type"
            + " and e.aggregate_id = o.aggregate_id and e.published_at is null and e.parked_at is null"
            + " and e.seq < o.seq and e.next_attempt_at > now())"
            + " order by o.seq limit :limit for update of o skip locked";

    /**
     * The rows due for a send, in commit order, locked until the caller's transaction ends: neither published nor
     * parked, past their back-off ({@code next_attempt_at}), and not behind an earlier row of their invitation that is
     * still backing off — a later row of an invitation waits while an earlier one is being retried (per-invitation
     * order), while other aggregates flow on. SKIP LOCKED keeps a second relay (another instance, or the timer racing the after-commit
     * trigger) from publishing the same rows at the same time.
     *
     * @param limit at most this many rows
     */
    public Uni<List<OutboxEvent>> lockDue(int limit) {
        return Panache.getSession().flatMap(session -> session
                .createNativeQuery(DUE_ROWS, OutboxEvent.class)
                .setParameter("limit", limit)
                .getResultList());
    }

    /**
     * Marks the given rows published in one statement.
     *
     * @param ids rows the broker acknowledged (not empty)
     * @param at  publication time (microseconds, UTC)
     * @return the number of rows updated
     */
    public Uni<Integer> markPublished(List<UUID> ids, Instant at) {
        return Panache.getSession().flatMap(session -> session
                // one uuid[] parameter, as policy-service binds it: one statement text whatever the batch size (an
                // expanded "in (:ids)" list made a new statement per size)
                .createNativeQuery("update outbox set published_at = :at where id = any(:ids)")
                .setParameter("at", at)
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
        return Panache.getSession().flatMap(session -> session
                .createNativeQuery("update outbox set attempts = :attempts, next_attempt_at = :next,"
                        + " last_error = :error where id = :id")
                .setParameter("attempts", attempts)
                .setParameter("next", notBefore)
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
        return Panache.getSession().flatMap(session -> session
                .createNativeQuery("update outbox set attempts = :attempts, parked_at = :at, park_reason = :reason,"
                        + " last_error = :reason where id = :id")
                .setParameter("attempts", attempts)
                .setParameter("at", at)
                .setParameter("reason", reason)
                .setParameter("id", id)
                .executeUpdate());
    }

    /**
     * Inserts outbox rows in one multi-row statement; the rows get their {@code seq} (publication order) in list
     * order, so the relay publishes them in the order given.
     *
     * @param rows rows to insert (may be empty: then nothing is sent)
     * @return the number of rows inserted
     */
    public Uni<Integer> insertAll(List<OutboxEvent> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        StringBuilder sql = new StringBuilder(
                "insert into outbox (id, aggregate_type, aggregate_id, type, topic, payload, occurred_at) values ");
        for (int i = 0; i < rows.size(); i++) {
            // payload: cast to text first, exactly as OutboxEvent's column transformer does (see there why)
            sql.append(i == 0 ? "" : ", ").append("(:id").append(i).append(", :at").append(i).append(", :ag")
                    .append(i).append(", :t").append(i).append(", :tp").append(i).append(", cast(cast(:p")
                    .append(i).append(" as text) as jsonb), :o").append(i).append(')');
        }
        return Panache.getSession().flatMap(session -> {
            var query = session.createNativeQuery(sql.toString());
            for (int i = 0; i < rows.size(); i++) {
                OutboxEvent row = rows.get(i);
                query.setParameter("id" + i, row.id)
                        .setParameter("at" + i, row.aggregateType)
                        .setParameter("ag" + i, row.aggregateId)
                        .setParameter("t" + i, row.type)
                        .setParameter("tp" + i, row.topic)
                        .setParameter("p" + i, row.payload)
                        .setParameter("o" + i, row.occurredAt);
            }
            return query.executeUpdate();
        });
    }

    /**
     * What {@link #backlog()} reports: rows waiting to be published (parked ones not included), the age of the oldest
     * in seconds (0 when none), and the parked rows.
     */
    public record Backlog(long rows, double oldestAgeSeconds, long parked) {
    }

    /**
     * Counts the waiting rows, the age of the oldest and the parked rows (one statement). Each part reads only its
     * partial index (pending rows, parked rows): published rows stay in the table, and a filter over the whole table
     * grew with every event ever published (a full scan per metrics refresh).
     */
    public Uni<Backlog> backlog() {
        return Panache.getSession().flatMap(session -> session
                .createNativeQuery("select (select count(*) from outbox where " + PENDING + "),"
                        + " coalesce(extract(epoch from (now() - (select min(occurred_at) from outbox where " + PENDING
                        + "))), 0),"
                        + " (select count(*) from outbox where published_at is null and parked_at is not null)",
                        Object[].class)
                .getSingleResult())
                .map(row -> new Backlog(((Number) row[0]).longValue(), Math.max(0, ((Number) row[1]).doubleValue()),
                        ((Number) row[2]).longValue()));
    }
}
