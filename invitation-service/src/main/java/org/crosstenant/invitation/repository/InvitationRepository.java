package org.crosstenant.invitation.repository;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.crosstenant.invitation.model.Invitation;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class InvitationRepository implements PanacheRepositoryBase<Invitation, UUID> {

    /** Loads and row-locks an invitation, so concurrent transitions (two redemptions, redeem vs revoke) serialise. */
    public Uni<Invitation> lock(UUID id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE);
    }

    /**
     * Loads and row-locks several invitations in one query, in id order (two transactions locking overlapping sets
     * therefore take the locks in the same order and cannot deadlock).
     *
     * @param ids invitation ids (not empty)
     * @return the invitations that exist (unknown ids are simply absent)
     */
    public Uni<List<Invitation>> lockAll(Collection<UUID> ids) {
        return find("id in ?1 order by id", List.copyOf(ids)).withLock(LockModeType.PESSIMISTIC_WRITE).list();
    }

    /**
     * Ids of open invitations past their expiry, locked; SKIP LOCKED lets a second instance's sweep (or a redemption
     * holding the row) pass by instead of waiting.
     */
    @SuppressWarnings("unchecked")
    public Uni<List<UUID>> lockExpiredOpen(Instant now, int limit) {
        return Panache.getSession().flatMap(session -> session
                .createNativeQuery("select id from invitation where status in ('requested', 'pending_acceptance')"
                        + " and expires_at < :now order by expires_at limit :limit for update skip locked", UUID.class)
                .setParameter("now", now)
                .setParameter("limit", limit)
                .getResultList());
    }
}
