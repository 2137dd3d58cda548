package org.crosstenant.gateway.repository;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.gateway.model.AccessSettings;
import org.crosstenant.gateway.model.AppRoute;
import org.crosstenant.gateway.model.GuestGrant;

/**
 * The gateway's Kafka-fed view, in memory (the gateway has no database): rebuilt by replaying the topics from the
 * beginning at every start. Every operation is idempotent, so a redelivered event changes nothing.
 */
@ApplicationScoped
public class LocalView {

    /**
     * Per (tenant, application) the latest state seen, by version: a route, or a removal (no route) whose version
     * is kept so that an older registration replayed or reordered after it cannot bring the route back.
     */
    private final Map<String, RouteSlot> routes = new ConcurrentHashMap<>();
    private final Map<String, GuestGrant> grantsByInvitation = new ConcurrentHashMap<>();
    /** guest tenant|subject|resource tenant|app → invitation ids: the per-request lookup. */
    private final Map<String, Set<String>> grantIndex = new ConcurrentHashMap<>();
    /** Revoked/expired invitations: a late duplicate redeemed.v1 must not bring a grant back. */
    private final Set<String> ended = ConcurrentHashMap.newKeySet();
    /**
     * Effective access settings per (tenant, partner) and per tenant default (partner {@link #DEFAULT}), as
     * policy-service published them; applied in topic order (one key, one partition), the last one wins.
     */
    private final Map<String, Map<String, AccessSettings>> settings = new ConcurrentHashMap<>();
    /** The partner slot of a tenant's default configuration (no tenant id contains NUL). */
    private static final String DEFAULT = "\u0000default";

    /** A route, or a removal ({@code route} null) of the given version. */
    private record RouteSlot(AppRoute route, long version) {
    }

    /**
     * Takes a registration (application-registered.v1). A replayed or reordered older version does not override a
     * newer registration, nor a newer removal; the same version again replaces it (applying twice is harmless).
     */
    public void putRoute(AppRoute route) {
        routes.merge(routeKey(route.tenant(), route.application()), new RouteSlot(route, route.version()),
                (old, neu) -> old.route() == null ? (neu.version() > old.version() ? neu : old)
                        : (neu.version() >= old.version() ? neu : old));
    }

    /**
     * Takes a removal (application-removed.v1, issue #8): the route goes unless a registration of a higher version
     * was seen (a stale removal, replayed or reordered, never deletes a newer registration). A removal of the same
     * version as the route removes it (policy-service never gives a registration and a removal the same version).
     *
     * @param version the removal's version (the removed registration's + 1)
     */
    public void removeRoute(String tenant, String application, long version) {
        routes.merge(routeKey(tenant, application), new RouteSlot(null, version),
                (old, neu) -> neu.version() >= old.version() ? neu : old);
    }

    /** The registered route, if any: none for an application never registered or removed. */
    public Optional<AppRoute> route(String tenant, String application) {
        RouteSlot slot = routes.get(routeKey(tenant, application));
        return slot == null ? Optional.empty() : Optional.ofNullable(slot.route());
    }

    public void putGrant(GuestGrant grant) {
        if (ended.contains(grant.invitationId())) {
            return;
        }
        grantsByInvitation.put(grant.invitationId(), grant);
        grantIndex.computeIfAbsent(grantKey(grant.guestTenant(), grant.guestSubject(), grant.resourceTenant(),
                grant.application()), k -> ConcurrentHashMap.newKeySet()).add(grant.invitationId());
    }

    /** Drops the grant of that invitation for good (revoked or expired). */
    public void endGrant(String invitationId) {
        ended.add(invitationId);
        GuestGrant removed = grantsByInvitation.remove(invitationId);
        if (removed != null) {
            grantIndex.computeIfPresent(grantKey(removed.guestTenant(), removed.guestSubject(),
                    removed.resourceTenant(), removed.application()), (k, ids) -> {
                        ids.remove(invitationId);
                        return ids.isEmpty() ? null : ids;
                    });
        }
    }

    /** An active, unexpired grant for this guest on that application, if any. */
    public Optional<GuestGrant> activeGrant(String guestTenant, String guestSubject, String resourceTenant,
            String application, Instant now) {
        Set<String> ids = grantIndex.get(grantKey(guestTenant, guestSubject, resourceTenant, application));
        if (ids == null) {
            return Optional.empty();
        }
        return ids.stream().map(grantsByInvitation::get)
                .filter(g -> g != null && g.activeAt(now))
                .findFirst();
    }

    /**
     * Remembers the effective settings of a pair.
     *
     * @param partner the partner tenant, or null for the tenant's default configuration
     */
    public void putSettings(String tenant, String partner, AccessSettings effective) {
        settings.computeIfAbsent(tenant, t -> new ConcurrentHashMap<>()).put(slot(partner), effective);
    }

    /** Forgets a pair (its configuration was deleted): lookups fall back to the tenant's default. */
    public void forgetSettings(String tenant, String partner) {
        settings.computeIfPresent(tenant, (t, pairs) -> {
            pairs.remove(slot(partner));
            return pairs.isEmpty() ? null : pairs;
        });
    }

    /**
     * Effective settings of {@code tenant} towards {@code partner}: the pair's, else the tenant's default, else the
     * built-in default. Never merges: each stored value is already complete.
     */
    public AccessSettings effective(String tenant, String partner) {
        Map<String, AccessSettings> pairs = settings.get(tenant);
        if (pairs == null) {
            return AccessSettings.BUILT_IN;
        }
        AccessSettings pair = pairs.get(partner);
        if (pair == null) {
            pair = pairs.get(DEFAULT);
        }
        return pair != null ? pair : AccessSettings.BUILT_IN;
    }

    public int settingsCount() {
        return settings.values().stream().mapToInt(Map::size).sum();
    }

    /** @return how many applications have a route (removed ones not counted) */
    public int routeCount() {
        return (int) routes.values().stream().filter(slot -> slot.route() != null).count();
    }

    public int grantCount() {
        return grantsByInvitation.size();
    }

    private static String routeKey(String tenant, String application) {
        return tenant + '\u0000' + application;
    }

    private static String slot(String partner) {
        return partner == null ? DEFAULT : partner;
    }

    private static String grantKey(String guestTenant, String guestSubject, String resourceTenant, String app) {
        return guestTenant + '\u0000' + guestSubject + '\u0000' + resourceTenant + '\u0000' + app;
    }
}
