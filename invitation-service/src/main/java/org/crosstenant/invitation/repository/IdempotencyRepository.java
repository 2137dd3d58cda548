package org.crosstenant.invitation.repository;

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
     * The key's record, or null when the caller never used it. Keys are claimed together with the invitation they
     * name ({@link FilingRepository}).
     */
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
