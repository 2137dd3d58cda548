package org.crosstenant.policy.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.crosstenant.policy.model.LiveInvitation;
import org.crosstenant.policy.model.LiveStatus;
import org.crosstenant.policy.model.PartnerConfiguration;
import org.crosstenant.policy.repository.DecisionBatchRepository.NewOutboxRow;
import org.crosstenant.policy.repository.DecisionBatchRepository.StoredSettings;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static org.crosstenant.policy.repository.DecisionBatchRepository.key;

/**
 * policy-service's projection of live invitations ({@code live_invitations}, Flyway V5) and the per-tenant advisory
 * locks that serialise it with settings changes. Every statement is one round trip whatever the number of rows.
 * <p>
 * Two ways in, because the two writers run in different transactions: the decision batch and the projection channel
 * use the reactive pool's connection (the {@link SqlConnection} methods); a settings change runs in a Hibernate
 * Reactive transaction (the methods without a connection use the current Panache session).
 * <p>
 * <b>The lock</b> (transaction-scoped PostgreSQL advisory lock per tenant, key ({@link #LOCK_NAMESPACE},
 * {@link #lockKey})): a settings change of a tenant holds it exclusively from before it reads its configuration until
 * it commits; a decision batch or projection batch holds it shared for every tenant its rows involve from before it
 * reads any configuration until it commits. So an invitation decided under the old settings is committed (and seen
 * by the change's re-evaluation) before the change reads the live invitations, or decided after the change committed
 * (with the new settings); and no status moves under a re-evaluation.
 */
@ApplicationScoped
public class LiveInvitationRepository {

    /** The first key of every tenant's advisory lock (the two-int key space; the relay uses the bigint one). */
    public static final int LOCK_NAMESPACE = 0x6c697665;

    private static final String COLUMNS = "invitation_id, resource_tenant, home_tenant, application, invitee_email, "
            + "filed_by_resource_admin, guest_subject, status";

    // one row per invitation (callers merge first): on conflict the later stage wins, and what a row did not know yet
    // (the filer, the guest's subject) is filled in; anything else (a replay, an earlier stage) changes nothing
    private static final String UPSERT = "insert into live_invitations (invitation_id, resource_tenant, home_tenant, "
            + "application, invitee_email, filed_by_resource_admin, guest_subject, stage, status, updated_at) "
            + "select l.id, l.resource_tenant, l.home_tenant, l.application, l.invitee_email, l.filer, l.subject, "
            + "l.stage, l.status, $10 from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], "
            + "$6::bool[], $7::text[], $8::int4[], $9::text[]) with ordinality as l(id, resource_tenant, home_tenant, "
            + "application, invitee_email, filer, subject, stage, status, ord) order by l.ord "
            + "on conflict (invitation_id) do update set "
            + "stage = greatest(live_invitations.stage, excluded.stage), "
            + "status = case when excluded.stage > live_invitations.stage then excluded.status "
            + "else live_invitations.status end, "
            + "filed_by_resource_admin = coalesce(live_invitations.filed_by_resource_admin, "
            + "excluded.filed_by_resource_admin), "
            + "guest_subject = coalesce(live_invitations.guest_subject, excluded.guest_subject), "
            + "updated_at = excluded.updated_at "
            + "where excluded.stage > live_invitations.stage "
            + "or (live_invitations.filed_by_resource_admin is null and excluded.filed_by_resource_admin is not null) "
            + "or (live_invitations.guest_subject is null and excluded.guest_subject is not null)";

    private static final String LOCK_SHARED = "select count(*) from unnest($1::int4[]) with ordinality as k(key, n) "
            + "cross join lateral pg_advisory_xact_lock_shared($2, k.key)";

    /**
     * The key of a tenant's advisory lock within {@link #LOCK_NAMESPACE}: {@link String#hashCode()}, which the Java
     * specification fixes, so every instance computes the same key. Two tenants sharing a key only wait for each other.
     *
     * @param tenant a tenant id
     * @return the second key of its lock
     */
    public static int lockKey(String tenant) {
        return tenant.hashCode();
    }

    /**
     * Takes every given tenant's lock shared for the caller's transaction (in key order), waiting while a settings
     * change of one of them holds it.
     *
     * @param tenants tenant ids (duplicates allowed)
     * @return completes once all are held
     */
    public Uni<Void> lockShared(SqlConnection connection, Collection<String> tenants) {
        if (tenants.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        TreeSet<Integer> keys = new TreeSet<>();
        tenants.forEach(t -> keys.add(lockKey(t)));
        return connection.preparedQuery(LOCK_SHARED)
                .execute(Tuple.of(keys.toArray(Integer[]::new), LOCK_NAMESPACE)).replaceWithVoid();
    }

    /**
     * Inserts or moves forward the given invitations (one statement). A row only ever moves to a later stage; a
     * final row (ended, withdrawn) stays final.
     *
     * @param rows      at most one per invitation
     * @param updatedAt when (UTC, microseconds)
     * @return how many rows were inserted or changed
     */
    public Uni<Integer> upsert(SqlConnection connection, List<LiveInvitation> rows, Instant updatedAt) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        // in invitation order, so two batches touching the same rows lock them in the same order
        List<LiveInvitation> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparing(LiveInvitation::invitationId));
        int n = sorted.size();
        UUID[] ids = new UUID[n];
        String[] resources = new String[n];
        String[] homes = new String[n];
        String[] applications = new String[n];
        String[] emails = new String[n];
        Boolean[] filers = new Boolean[n];
        String[] subjects = new String[n];
        Integer[] stages = new Integer[n];
        String[] statuses = new String[n];
        for (int i = 0; i < n; i++) {
            LiveInvitation row = sorted.get(i);
            ids[i] = row.invitationId();
            resources[i] = row.resourceTenant();
            homes[i] = row.homeTenant();
            applications[i] = row.application();
            emails[i] = row.inviteeEmail();
            filers[i] = row.filedByResourceAdmin();
            subjects[i] = row.guestSubject();
            stages[i] = row.status().stage();
            statuses[i] = row.status().wire();
        }
        return connection.preparedQuery(UPSERT)
                .execute(Tuple.from(new Object[] {ids, resources, homes, applications, emails, filers, subjects,
                        stages, statuses, updatedAt.atOffset(ZoneOffset.UTC)}))
                .map(result -> result.rowCount());
    }

    // ---- in the current Hibernate Reactive session (a settings change's transaction, or a read-only preview) ----

    /**
     * Takes the tenant's lock exclusively for the current transaction, waiting for every decision or projection
     * batch that holds it shared (and for another change of the same tenant).
     */
    public Uni<Void> lockExclusive(String tenant) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("select count(*) from pg_advisory_xact_lock(:namespace, :key)", Long.class)
                .setParameter("namespace", LOCK_NAMESPACE)
                .setParameter("key", lockKey(tenant))
                .getSingleResult()).replaceWithVoid();
    }

    /**
     * The live invitations a change of {@code tenant}'s configuration for {@code partner} may affect: with a partner,
     * those between the two (either as resource tenant); for the default ({@link PartnerConfiguration#DEFAULT}),
     * every one in which the tenant takes part.
     *
     * @return live rows (stage below 5), by invitation id
     */
    public Uni<List<LiveInvitation>> liveOf(String tenant, String partner) {
        boolean all = PartnerConfiguration.DEFAULT.equals(partner);
        String where = all ? "(resource_tenant = :tenant or home_tenant = :tenant)"
                : "((resource_tenant = :tenant and home_tenant = :partner) "
                        + "or (home_tenant = :tenant and resource_tenant = :partner))";
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery("select " + COLUMNS + " from live_invitations where stage < "
                    + LiveStatus.FINAL_STAGE + " and " + where + " order by invitation_id", Object[].class)
                    .setParameter("tenant", tenant);
            if (!all) {
                query.setParameter("partner", partner);
            }
            return query.getResultList();
        }).map(LiveInvitationRepository::rows);
    }

    /**
     * The live invitations of one application of a resource tenant (what removing the application ends), whatever the
     * home tenant.
     *
     * @param resourceTenant the tenant that registered the application
     * @param application    the application id
     * @return live rows (stage below 5), by invitation id
     */
    public Uni<List<LiveInvitation>> liveOfApplication(String resourceTenant, String application) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("select " + COLUMNS + " from live_invitations where stage < "
                        + LiveStatus.FINAL_STAGE + " and resource_tenant = :tenant and application = :application "
                        + "order by invitation_id", Object[].class)
                .setParameter("tenant", resourceTenant)
                .setParameter("application", application)
                .getResultList()).map(LiveInvitationRepository::rows);
    }

    /** Rows of {@link #COLUMNS}, in their order, as projection entries. */
    private static List<LiveInvitation> rows(List<Object[]> rows) {
        List<LiveInvitation> live = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            live.add(new LiveInvitation((UUID) row[0], (String) row[1], (String) row[2], (String) row[3],
                    (String) row[4], (Boolean) row[5], (String) row[6], LiveStatus.of((String) row[7])));
        }
        return live;
    }

    /**
     * The stored (not deleted) configurations of {@code tenant} for each counterpart and of each counterpart for
     * {@code tenant}, and the defaults of all of them: everything the effective settings of a pair involving
     * {@code tenant} are made of.
     *
     * @param counterparts the other tenants
     * @return by {@link DecisionBatchRepository#key(String, String)} (tenant, partner)
     */
    public Uni<Map<String, StoredSettings>> configurationsAround(String tenant, Collection<String> counterparts) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("select tenant, partner, cast(settings as text), version from partner_configurations "
                        + "where settings is not null and ((tenant = :tenant and (partner = any(:others) or partner = "
                        + ":default)) or (tenant = any(:others) and (partner = :tenant or partner = :default)))",
                        Object[].class)
                .setParameter("tenant", tenant)
                .setParameter("others", counterparts.toArray(String[]::new))
                .setParameter("default", PartnerConfiguration.DEFAULT)
                .getResultList()).map(rows -> {
                    Map<String, StoredSettings> found = new HashMap<>();
                    for (Object[] row : rows) {
                        found.put(key((String) row[0], (String) row[1]), new StoredSettings((String) row[0],
                                (String) row[1], (String) row[2], ((Number) row[3]).longValue()));
                    }
                    return found;
                });
    }

    /**
     * @param tenants resource tenants, parallel to {@code applications}
     * @return the registered (tenant, application) pairs among those asked, as {@link DecisionBatchRepository#key}
     */
    public Uni<Set<String>> registeredApplications(List<String> tenants, List<String> applications) {
        if (tenants.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return Panache.getSession().chain(session -> session
                .createNativeQuery("select a.tenant, a.app_id from applications a join unnest(cast(:tenants as "
                        + "text[]), cast(:apps as text[])) as k(tenant, app_id) on a.tenant = k.tenant "
                        + "and a.app_id = k.app_id", Object[].class)
                .setParameter("tenants", tenants.toArray(String[]::new))
                .setParameter("apps", applications.toArray(String[]::new))
                .getResultList()).map(rows -> {
                    Set<String> registered = new HashSet<>();
                    for (Object[] row : rows) {
                        registered.add(key((String) row[0], (String) row[1]));
                    }
                    return registered;
                });
    }

    /**
     * Marks the given invitations withdrawn, those still live only, locking them in invitation order (two changes of
     * the two tenants of one invitation never deadlock; the second waits and then finds it no longer live).
     *
     * @param ids       invitations that failed a re-evaluation
     * @param updatedAt when (UTC, microseconds)
     * @return the invitations withdrawn now: exactly those to publish access-withdrawn.v1 for
     */
    public Uni<Set<UUID>> withdraw(Collection<UUID> ids, Instant updatedAt) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return Panache.getSession().chain(session -> session
                .createNativeQuery("with due as (select invitation_id from live_invitations where invitation_id = "
                        + "any(:ids) and stage < " + LiveStatus.FINAL_STAGE + " order by invitation_id for update) "
                        + "update live_invitations l set stage = " + LiveStatus.WITHDRAWN.stage() + ", status = '"
                        + LiveStatus.WITHDRAWN.wire() + "', updated_at = :at from due "
                        + "where l.invitation_id = due.invitation_id returning l.invitation_id", UUID.class)
                .setParameter("ids", ids.toArray(UUID[]::new))
                .setParameter("at", utc(updatedAt))
                .getResultList()).map(HashSet::new);
    }

    /**
     * Appends outbox rows of one aggregate type in list order (their {@code seq}, the relay's order), one statement.
     *
     * @param occurredAt when (UTC, microseconds), the same for every row
     * @return how many rows were inserted
     */
    public Uni<Integer> appendOutbox(String aggregateType, List<NewOutboxRow> rows, Instant occurredAt) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        int n = rows.size();
        UUID[] ids = new UUID[n];
        String[] aggregateIds = new String[n];
        String[] types = new String[n];
        String[] topics = new String[n];
        String[] payloads = new String[n];
        for (int i = 0; i < n; i++) {
            NewOutboxRow row = rows.get(i);
            ids[i] = row.id();
            aggregateIds[i] = row.aggregateId();
            types[i] = row.type();
            topics[i] = row.topic();
            payloads[i] = row.payloadJson();
        }
        return Panache.getSession().chain(session -> session
                .createNativeQuery("insert into outbox (id, aggregate_type, aggregate_id, type, topic, payload, "
                        + "occurred_at) select o.id, :aggregateType, o.aggregate_id, o.type, o.topic, "
                        + "cast(o.payload as jsonb), :at from unnest(cast(:ids as uuid[]), cast(:aggregateIds as "
                        + "text[]), cast(:types as text[]), cast(:topics as text[]), cast(:payloads as text[])) "
                        + "with ordinality as o(id, aggregate_id, type, topic, payload, ord) order by o.ord")
                .setParameter("aggregateType", aggregateType)
                .setParameter("at", utc(occurredAt))
                .setParameter("ids", ids)
                .setParameter("aggregateIds", aggregateIds)
                .setParameter("types", types)
                .setParameter("topics", topics)
                .setParameter("payloads", payloads)
                .executeUpdate());
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
