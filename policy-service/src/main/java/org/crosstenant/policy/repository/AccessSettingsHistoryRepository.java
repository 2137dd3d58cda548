package org.crosstenant.policy.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.crosstenant.policy.model.AccessSettingsVersion;

import java.util.List;

/** The versions of each configuration. */
@ApplicationScoped
public class AccessSettingsHistoryRepository
        implements PanacheRepositoryBase<AccessSettingsVersion, AccessSettingsVersion.Key> {

    /**
     * @param from  lowest version wanted (inclusive)
     * @param count most rows
     * @return versions {@code >= from} in ascending order
     */
    public Uni<List<AccessSettingsVersion>> page(String tenant, String partner, long from, int count) {
        return find("tenant = ?1 and partner = ?2 and version >= ?3 order by version", tenant, partner, from)
                .page(Page.of(0, count)).list();
    }
}
