package org.crosstenant.invitation.repository;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.crosstenant.invitation.model.Invitation;
import org.crosstenant.invitation.model.InvitationStatus;

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
     * Ids of invitations to expire, locked: open requests ({@code requested}, {@code pending_approval},
     * {@code pending_acceptance}) past {@code expires_at}, and grants ({@code accepted}) past
     * {@code grant_expires_at} (ending a grant frees its (tenant, application, invitee) for a new request). SKIP
     * LOCKED lets a second instance's sweep (or a redemption holding the row) pass by instead of waiting.
     */
    @SuppressWarnings("unchecked")
    public Uni<List<UUID>> lockExpiredOpen(Instant now, int limit) {
        return Panache.getSession().flatMap(session -> session
                .createNativeQuery("select id from invitation where (status in ('requested', 'pending_approval',"
                        + " 'pending_acceptance') and expires_at < :now) or (status = 'accepted' and"
                        + " grant_expires_at < :now) limit :limit for update skip locked", UUID.class)
                .setParameter("now", now)
                .setParameter("limit", limit)
                .getResultList());
    }

    /** Live invitations whose invitee's (tenant, domain after the first '@') is none of {@code :keys}. */
    private static final String LIVE_OUTSIDE_REGISTRY = "status in ('requested', 'pending_approval',"
            + " 'pending_acceptance', 'accepted') and invitee_tenant || ' ' || substring(invitee_email"
            + " from position('@' in invitee_email) + 1) not in (:keys)";

    /**
     * Issue #8 (tenant domains): ids of live invitations ({@code requested}, {@code pending_approval},
     * {@code pending_acceptance}, {@code accepted}) whose invitee's (tenant, email domain) is not one of
     * {@code registrationKeys} ({@code "<tenant> <domain>"}, {@link org.crosstenant.invitation.service.TenantRegistry
     * #registrationKeys}), locked, SKIP LOCKED as the expiry sweep. The domain is the address after its first
     * {@code @}, as {@link org.crosstenant.invitation.model.Identifiers#domainOf} takes it; the caller re-checks each
     * row with the registry itself, this query only narrows.
     *
     * @param registrationKeys the registry's keys (not empty)
     * @param limit            the most ids to return
     */
    @SuppressWarnings("unchecked")
    public Uni<List<UUID>> lockLiveOutsideRegistry(List<String> registrationKeys, int limit) {
        return Panache.getSession().flatMap(session -> session
                .createNativeQuery("select id from invitation where " + LIVE_OUTSIDE_REGISTRY
                        + " limit :limit for update skip locked", UUID.class)
                .setParameter("keys", registrationKeys)
                .setParameter("limit", limit)
                .getResultList());
    }

    /**
     * How many live invitations {@link #lockLiveOutsideRegistry} would find (no lock; the report mode of the domain
     * sweep).
     *
     * @param registrationKeys the registry's keys (not empty)
     */
    public Uni<Long> countLiveOutsideRegistry(List<String> registrationKeys) {
        return Panache.getSession().flatMap(session -> session
                .createNativeQuery("select count(*) from invitation where " + LIVE_OUTSIDE_REGISTRY, Long.class)
                .setParameter("keys", registrationKeys)
                .getSingleResult());
    }

    /**
     * One page of a tenant's invitations as the resource tenant or as the home (invitee) tenant, newest first
     * (keyset: {@code (created_at, id)} below the cursor; indexes {@code invitation_tenant_listing} and
     * {@code invitation_home_listing}).
     *
     * @param filter the tenant and its side, optional filters and the cursor position
     * @param limit  the most rows to return
     */
    public Uni<List<Invitation>> page(ListFilter filter, int limit) {
        StringBuilder query = new StringBuilder(filter.home() ? "inviteeTenant = :tenant" : "resourceTenant = :tenant");
        Map<String, Object> params = new HashMap<>();
        params.put("tenant", filter.tenant());
        if (filter.partner() != null) {
            query.append(filter.home() ? " and resourceTenant = :partner" : " and inviteeTenant = :partner");
            params.put("partner", filter.partner());
        }
        if (filter.status() != null) {
            query.append(" and status = :status");
            params.put("status", filter.status());
        }
        if (filter.grantsOnly()) {
            query.append(" and status = :accepted");
            params.put("accepted", InvitationStatus.ACCEPTED);
        }
        if (filter.application() != null) {
            query.append(" and application = :application");
            params.put("application", filter.application());
        }
        if (filter.invitee() != null) {
            query.append(" and inviteeEmail = :invitee");
            params.put("invitee", filter.invitee());
        }
        if (filter.afterCreatedAt() != null) {
            query.append(" and (createdAt < :afterCreatedAt or (createdAt = :afterCreatedAt and id < :afterId))");
            params.put("afterCreatedAt", filter.afterCreatedAt());
            params.put("afterId", filter.afterId());
        }
        query.append(" order by createdAt desc, id desc");
        return Panache.withSession(() -> find(query.toString(), params).page(0, limit).list());
    }

    /**
     * What a listing asks for: a tenant, whether as the home tenant ({@code home}) or the resource tenant, optional
     * filters (null = any; {@code partner} is the other side's tenant), and the last row of the previous page (null =
     * the first page).
     */
    public record ListFilter(String tenant, boolean home, String partner, InvitationStatus status, String application,
            String invitee, boolean grantsOnly, Instant afterCreatedAt, UUID afterId) {
    }
}
