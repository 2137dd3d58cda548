package org.crosstenant.policy.service;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.crosstenant.policy.model.LiveInvitation;
import org.crosstenant.policy.repository.LiveInvitationRepository;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Applies what the projection channel read from invitations.events to policy-service's projection of live
 * invitations ({@link LiveInvitationRepository}), one transaction per batch: the involved tenants' advisory locks
 * (shared, so no status moves while a settings change of one of them re-evaluates), then one upsert. Idempotent and
 * order-free: a row only moves to a later stage and final rows stay final, so a replay or an event that arrives
 * after a later one (from the decision batch, which feeds the same table) changes nothing.
 */
@ApplicationScoped
public class LiveInvitationProjection {

    private final Pool pool;
    private final LiveInvitationRepository live;

    public LiveInvitationProjection(Pool pool, LiveInvitationRepository live) {
        this.pool = pool;
        this.live = live;
    }

    /**
     * @param events what each event says of its invitation, in offset order (several per invitation allowed)
     * @return how many rows were inserted or moved; fails when the database does (nothing applied then)
     */
    public Uni<Integer> apply(List<LiveInvitation> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        // one row per invitation: an upsert may touch a row only once per statement
        Map<UUID, LiveInvitation> merged = new LinkedHashMap<>();
        Set<String> tenants = new HashSet<>();
        for (LiveInvitation event : events) {
            merged.merge(event.invitationId(), event, LiveInvitation::merge);
            tenants.add(event.resourceTenant());
            tenants.add(event.homeTenant());
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        List<LiveInvitation> rows = new ArrayList<>(merged.values());
        return Uni.createFrom().deferred(() -> pool.withTransaction(connection -> live.lockShared(connection, tenants)
                .chain(() -> live.upsert(connection, rows, now))));
    }
}
