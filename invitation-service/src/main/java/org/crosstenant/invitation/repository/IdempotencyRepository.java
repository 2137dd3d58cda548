package org.crosstenant.invitation.repository;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** Idempotency-Key records, scoped to the caller (tenant + subject). */
@ApplicationScoped
public class IdempotencyRepository {

    public record Entry(String requestHash, UUID invitationId) {
    }

    /**
     * Claims the key. A concurrent request with the same key blocks on the primary key until the first transaction
     * ends, then inserts nothing: exactly one invitation per key.
     *
     * @return true when this transaction now owns the key
     */
    public Uni<Boolean> claim(String tenant, String subject, String key, String requestHash, UUID invitationId,
            Instant at) {
        return Panache.getSession().flatMap(session -> session
                .createNativeQuery("insert into idempotency_key (caller_tenant, caller_subject, idempotency_key,"
                        + " request_hash, invitation_id, created_at) values (:t, :s, :k, :h, :i, :at)"
                        + " on conflict do nothing")
                .setParameter("t", tenant)
                .setParameter("s", subject)
                .setParameter("k", key)
                .setParameter("h", requestHash)
                .setParameter("i", invitationId)
                .setParameter("at", at)
                .executeUpdate())
                .map(rows -> rows == 1);
    }

    @SuppressWarnings("unchecked")
    public Uni<Entry> find(String tenant, String subject, String key) {
        return Panache.getSession().flatMap(session -> session
                .createNativeQuery("select request_hash, invitation_id from idempotency_key"
                        + " where caller_tenant = :t and caller_subject = :s and idempotency_key = :k", Object[].class)
                .setParameter("t", tenant)
                .setParameter("s", subject)
                .setParameter("k", key)
                .getResultList())
                .map(rows -> {
                    if (rows.isEmpty()) {
                        return null;
                    }
                    Object[] row = (Object[]) rows.get(0);
                    return new Entry(row[0].toString().trim(), (UUID) row[1]);
                });
    }
}
