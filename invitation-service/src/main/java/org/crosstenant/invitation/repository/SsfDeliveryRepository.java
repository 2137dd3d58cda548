package org.crosstenant.invitation.repository;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** Pending SET pushes ({@code ssf_delivery}), one per (revocation, stream); all native SQL. */
@ApplicationScoped
public class SsfDeliveryRepository {

    /** A new delivery: {@code id} is the SET's jti. */
    public record NewDelivery(UUID id, UUID streamId, UUID invitationId, String claims) {
    }

    /** A claimed row with what the push needs from its stream. */
    public record Claimed(UUID id, UUID streamId, String claims, Instant createdAt, int attempts, String endpointUrl,
            String authorizationHeader) {
    }

    /**
     * Inserts the rows in one statement, due at once (in the caller's transaction: the revocation's).
     *
     * @return rows inserted
     */
    public Uni<Integer> insertAll(List<NewDelivery> rows, Instant now) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        StringBuilder sql = new StringBuilder("insert into ssf_delivery (id, stream_id, invitation_id, claims,"
                + " created_at, next_attempt_at) values ");
        for (int i = 0; i < rows.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(:id").append(i).append(", :s").append(i).append(", :inv")
                    .append(i).append(", :c").append(i).append(", :now, :now)");
        }
        return Panache.getSession().flatMap(session -> {
            var query = session.createNativeQuery(sql.toString()).setParameter("now", now);
            for (int i = 0; i < rows.size(); i++) {
                NewDelivery row = rows.get(i);
                query.setParameter("id" + i, row.id()).setParameter("s" + i, row.streamId())
                        .setParameter("inv" + i, row.invitationId()).setParameter("c" + i, row.claims());
            }
            return query.executeUpdate();
        });
    }

    /**
     * Claims due rows for pushing and leases them for {@code lease} (one statement, committed by the caller before
     * any push). No head-of-line blocking: each stream is looked at on its own ({@code lateral}), at most
     * {@code perStream} of its due rows, and a stream that still has a row in flight (unexpired lease) gets none, so
     * a slow or dead receiver holds at most {@code perStream} rows in flight and never the others' places in the
     * batch; its failed rows back off on their own ({@code next_attempt_at}). {@code for update skip locked} keeps
     * two workers (instances, or the timer racing a trigger) from claiming the same row; the lease keeps it from being
     * claimed again while its push is under way (the lease outlives connect + read timeout).
     *
     * @param perStream most rows per stream
     * @param limit     most rows in all
     * @param lease     how long the claimed rows stay leased
     */
    @SuppressWarnings("unchecked")
    public Uni<List<Claimed>> claimDue(int perStream, int limit, Duration lease) {
        String sql = "with due as (select d.id from ssf_stream s cross join lateral ("
                + " select x.id from ssf_delivery x where x.stream_id = s.id and x.delivered_at is null"
                + " and x.parked_at is null and x.next_attempt_at <= now()"
                + " and (x.lease_until is null or x.lease_until < now())"
                + " order by x.next_attempt_at, x.created_at limit :perStream for update skip locked) d"
                + " where not exists (select 1 from ssf_delivery f where f.stream_id = s.id and f.delivered_at is null"
                + " and f.parked_at is null and f.lease_until >= now())"
                + " limit :limit)"
                + " update ssf_delivery u set lease_until = now() + make_interval(secs => :lease)"
                + " from due, ssf_stream st where u.id = due.id and st.id = u.stream_id"
                + " returning u.id, u.stream_id, u.claims, u.created_at, u.attempts, st.endpoint_url,"
                + " st.authorization_header";
        return Panache.getSession().flatMap(session -> session.createNativeQuery(sql, Object[].class)
                .setParameter("perStream", perStream)
                .setParameter("limit", limit)
                .setParameter("lease", (double) lease.toMillis() / 1000)
                .getResultList())
                .map(rows -> rows.stream().map(r -> new Claimed((UUID) r[0], (UUID) r[1], (String) r[2],
                        toInstant(r[3]), ((Number) r[4]).intValue(), (String) r[5], (String) r[6])).toList());
    }

    private static Instant toInstant(Object value) {
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof java.time.OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (value instanceof java.time.LocalDateTime ldt) {
            return ldt.toInstant(java.time.ZoneOffset.UTC);
        }
        return ((java.util.Date) value).toInstant();
    }

    /** The receiver accepted the SET. */
    public Uni<Integer> delivered(UUID id, Instant at) {
        return Panache.getSession().flatMap(session -> session
                .createNativeQuery("update ssf_delivery set delivered_at = :at, lease_until = null,"
                        + " attempts = attempts + 1 where id = :id")
                .setParameter("at", at).setParameter("id", id).executeUpdate());
    }

    /** A transient failure: pushed again not before {@code notBefore}. */
    public Uni<Integer> retryLater(UUID id, int attempts, Instant notBefore, String error) {
        return failed("next_attempt_at = :at", id, attempts, notBefore, error);
    }

    /** Gives up on a row (kept for an operator; re-queue by clearing {@code parked_at}). */
    public Uni<Integer> park(UUID id, int attempts, Instant at, String reason) {
        return failed("parked_at = :at, park_reason = :reason", id, attempts, at, reason);
    }

    /** Records a failed push ({@code set}: rescheduled or parked at {@code at}); the lease ends. */
    private Uni<Integer> failed(String set, UUID id, int attempts, Instant at, String reason) {
        return Panache.getSession().flatMap(session -> session
                .createNativeQuery("update ssf_delivery set attempts = :attempts, lease_until = null,"
                        + " last_error = :reason, " + set + " where id = :id")
                .setParameter("attempts", attempts).setParameter("at", at)
                .setParameter("reason", reason).setParameter("id", id).executeUpdate());
    }
}
