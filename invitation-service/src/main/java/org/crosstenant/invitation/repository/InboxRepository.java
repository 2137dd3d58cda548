package org.crosstenant.invitation.repository;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** Ids of CloudEvents already applied; the primary key makes a redelivery a no-op. */
@ApplicationScoped
public class InboxRepository {

    /** @return true when the id is new (first delivery), false for a duplicate */
    public Uni<Boolean> recordIfNew(UUID eventId, String type, Instant at) {
        return Panache.getSession().flatMap(session -> session
                .createNativeQuery("insert into inbox (event_id, type, processed_at) values (:id, :type, :at)"
                        + " on conflict (event_id) do nothing")
                .setParameter("id", eventId)
                .setParameter("type", type)
                .setParameter("at", at)
                .executeUpdate())
                .map(rows -> rows == 1);
    }
}
