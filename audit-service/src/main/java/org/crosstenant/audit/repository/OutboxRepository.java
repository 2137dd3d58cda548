package org.crosstenant.audit.repository;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

import org.crosstenant.audit.model.OutboxEntry;

@ApplicationScoped
@WithSession
public class OutboxRepository implements PanacheRepositoryBase<OutboxEntry, UUID> {

    /** Oldest unpublished rows, locked so that a second relay (another instance) cannot publish them too. */
    public Uni<List<OutboxEntry>> lockUnpublished(int limit) {
        return find("publishedAt is null", Sort.by("position"))
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .range(0, limit - 1)
                .list();
    }

    public Uni<Long> countUnpublished() {
        return count("publishedAt is null");
    }
}
