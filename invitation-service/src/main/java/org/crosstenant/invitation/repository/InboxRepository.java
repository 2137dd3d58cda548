package org.crosstenant.invitation.repository;

import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** Ids of CloudEvents already applied; the primary key makes a redelivery a no-op. Set-based: one statement a batch. */
@ApplicationScoped
public class InboxRepository {

    /**
     * Which of the given CloudEvent ids were already applied (one query).
     *
     * @param eventIds ids of one consumer batch (not empty)
     * @return the subset already in the inbox
     */
    public Uni<Set<UUID>> alreadyProcessed(Collection<UUID> eventIds) {
        return Panache.getSession().flatMap(session -> session
                // one uuid[] parameter rather than an expanded "in (...)" list (a new statement text per batch size)
                .createNativeQuery("select event_id from inbox where event_id = any(:ids)", UUID.class)
                .setParameter("ids", eventIds.toArray(UUID[]::new))
                .getResultList())
                .map(HashSet::new);
    }

    /**
     * Records the given CloudEvent ids as applied, in one multi-row insert; an id already there (a concurrent
     * consumer applied it) is left as it is.
     *
     * @param events ids to record with their CloudEvent type, in insertion order (may be empty: then nothing is sent)
     * @param at     processing time (UTC, microseconds)
     * @return the number of rows inserted
     */
    public Uni<Integer> recordAll(Map<UUID, String> events, Instant at) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<Map.Entry<UUID, String>> rows = List.copyOf(events.entrySet());
        StringBuilder sql = new StringBuilder("insert into inbox (event_id, type, processed_at) values ");
        for (int i = 0; i < rows.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(:id").append(i).append(", :type").append(i).append(", :at)");
        }
        sql.append(" on conflict (event_id) do nothing");
        return Panache.getSession().flatMap(session -> {
            var query = session.createNativeQuery(sql.toString()).setParameter("at", at);
            for (int i = 0; i < rows.size(); i++) {
                query.setParameter("id" + i, rows.get(i).getKey());
                query.setParameter("type" + i, rows.get(i).getValue());
            }
            return query.executeUpdate();
        });
    }
}
