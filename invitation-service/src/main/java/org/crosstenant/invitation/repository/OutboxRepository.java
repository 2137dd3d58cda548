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

    /**
     * Marks the given rows published in one statement.
     *
     * @param ids rows the broker acknowledged (not empty)
     * @param at  publication time (microseconds, UTC)
     * @return the number of rows updated
     */
    public Uni<Integer> markPublished(List<UUID> ids, Instant at) {
        return Panache.getSession().flatMap(session -> session
                .createNativeQuery("update outbox set published_at = :at where id in (:ids)")
                .setParameter("at", at)
                .setParameter("ids", ids)
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

    /** What {@link #backlog()} reports: unpublished rows and the age of the oldest in seconds (0 when none). */
    public record Backlog(long rows, double oldestAgeSeconds) {
    }

    /** Counts the unpublished rows and the age of the oldest (one query on the partial index). */
    public Uni<Backlog> backlog() {
        return Panache.getSession().flatMap(session -> session
                .createNativeQuery("select count(*), coalesce(extract(epoch from (now() - min(occurred_at))), 0)"
                        + " from outbox where published_at is null", Object[].class)
                .getSingleResult())
                .map(row -> new Backlog(((Number) row[0]).longValue(), Math.max(0, ((Number) row[1]).doubleValue())));
    }
}
