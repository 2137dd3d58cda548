package org.crosstenant.invitation.repository;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * The tenant registry in force ({@code registry_epoch}, one row): the fingerprint of the registry of the instance
 * that started last. Call within a session (a transaction for {@link #claim}).
 */
@ApplicationScoped
public class RegistryEpochRepository {

    /**
     * Makes {@code fingerprint} the registry in force (the instance starting now runs it).
     *
     * @param fingerprint {@code TenantRegistry#fingerprint()}, 64 hex digits
     * @param at          the start time
     */
    public Uni<Integer> claim(String fingerprint, Instant at) {
        return Panache.getSession().flatMap(session -> session
                .createNativeQuery("insert into registry_epoch (id, registry_hash, started_at) values (1, :hash, :at)"
                        + " on conflict (id) do update set registry_hash = excluded.registry_hash,"
                        + " started_at = excluded.started_at")
                .setParameter("hash", fingerprint)
                .setParameter("at", at)
                .executeUpdate());
    }

    /** @return the fingerprint of the registry in force, or null before any instance claimed one */
    @SuppressWarnings("unchecked")
    public Uni<String> inForce() {
        return Panache.getSession().flatMap(session -> session
                .createNativeQuery("select registry_hash from registry_epoch where id = 1", String.class)
                .getResultList())
                .map(rows -> ((List<String>) rows).isEmpty() ? null : ((List<String>) rows).get(0).trim());
    }
}
