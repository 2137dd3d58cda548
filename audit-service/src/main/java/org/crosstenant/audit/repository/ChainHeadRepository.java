package org.crosstenant.audit.repository;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

import org.crosstenant.audit.model.ChainHead;

@ApplicationScoped
@WithSession
public class ChainHeadRepository implements PanacheRepositoryBase<ChainHead, Short> {

    /** SELECT ... FOR UPDATE on the single head row: held until commit, it serialises appends. */
    public Uni<ChainHead> lock() {
        return findById(ChainHead.ID, LockModeType.PESSIMISTIC_WRITE);
    }

    public Uni<ChainHead> read() {
        return findById(ChainHead.ID);
    }
}
