package org.crosstenant.policy.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import org.crosstenant.policy.model.Application;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

@ApplicationScoped
public class ApplicationRepository implements PanacheRepositoryBase<Application, UUID> {

    public Uni<Application> findByTenantAndApp(String tenant, String appId) {
        return find("tenant = ?1 and appId = ?2", tenant, appId).firstResult();
    }

    /** Row lock so two concurrent updates cannot both compute the same next version. */
    public Uni<Application> findForUpdate(String tenant, String appId) {
        return find("tenant = ?1 and appId = ?2", tenant, appId).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    /**
     * The version the last removal of an application published ({@code application_removals}, Flyway V6), so that a
     * registration made after it continues the same version counter.
     *
     * @return that version, or 0 when the application was never removed
     */
    public Uni<Long> removedVersion(String tenant, String appId) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("select version from application_removals where tenant = :tenant and app_id = :app",
                        Long.class)
                .setParameter("tenant", tenant)
                .setParameter("app", appId)
                .getResultList()).map(rows -> rows.isEmpty() ? 0L : rows.get(0));
    }

    /**
     * Deletes a registration and remembers the version its removal published, in the current transaction.
     *
     * @param app       the registration, as read with {@link #findForUpdate}
     * @param version   the removal's version (the registration's + 1)
     * @param removedAt when (UTC, microseconds)
     * @param removedBy the admin's home subject
     * @return completes once both statements ran
     */
    public Uni<Void> remove(Application app, long version, Instant removedAt, String removedBy) {
        return delete(app).chain(() -> Panache.getSession()).chain(session -> session
                .createNativeQuery("insert into application_removals (tenant, app_id, version, removed_at, removed_by) "
                        + "values (:tenant, :app, :version, :at, :by) on conflict (tenant, app_id) do update set "
                        + "version = excluded.version, removed_at = excluded.removed_at, "
                        + "removed_by = excluded.removed_by")
                .setParameter("tenant", app.tenant)
                .setParameter("app", app.appId)
                .setParameter("version", version)
                .setParameter("at", removedAt.atOffset(ZoneOffset.UTC))
                .setParameter("by", removedBy)
                .executeUpdate()).replaceWithVoid();
    }
}
