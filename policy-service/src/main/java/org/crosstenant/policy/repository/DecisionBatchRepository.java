package org.crosstenant.policy.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Set-based statements for deciding a whole poll batch of invitation events in one transaction: each method is ONE
 * round trip to PostgreSQL whatever the batch size (arrays bound as parameters and {@code unnest}ed). Every method
 * runs on the caller's connection, inside the caller's transaction.
 */
@ApplicationScoped
public class DecisionBatchRepository {

    private static final String INSERT_INBOX = "insert into inbox (event_id, type, processed_at) "
            + "select e.id, e.type, $3 from unnest($1::uuid[], $2::text[]) as e(id, type) "
            + "on conflict (event_id) do nothing returning event_id";

    private static final String REGISTERED_APPLICATIONS = "select a.tenant, a.app_id from applications a "
            + "join unnest($1::text[], $2::text[]) as k(tenant, app_id) "
            + "on a.tenant = k.tenant and a.app_id = k.app_id";

    private static final String CONFIGURATIONS = "select c.tenant, c.partner, c.settings, c.version "
            + "from partner_configurations c join unnest($1::text[], $2::text[]) as k(tenant, partner) "
            + "on c.tenant = k.tenant and c.partner = k.partner where c.settings is not null";

    private static final String INSERT_DECISIONS = "insert into decisions (id, invitation_id, resource_tenant, "
            + "home_tenant, application, invitee_email, outcome, evaluation, decided_at) "
            + "select d.id, d.invitation_id, d.resource_tenant, d.home_tenant, d.application, d.invitee_email, "
            + "d.outcome, d.evaluation::jsonb, $9 from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], "
            + "$5::text[], $6::text[], $7::text[], $8::text[]) as d(id, invitation_id, resource_tenant, home_tenant, "
            + "application, invitee_email, outcome, evaluation) "
            + "on conflict (invitation_id) do nothing returning invitation_id";

    // with ordinality + order by: the identity column (seq, the relay's order) follows the array order
    private static final String INSERT_OUTBOX = "insert into outbox (id, aggregate_type, aggregate_id, type, topic, "
            + "payload, occurred_at) select o.id, $4, o.aggregate_id, o.type, o.topic, o.payload::jsonb, $5 "
            + "from unnest($1::uuid[], $2::text[], $3::text[], $6::text[], $7::text[]) with ordinality "
            + "as o(id, aggregate_id, payload, type, topic, ord) order by o.ord";

    /**
     * Records consumed events in the inbox; events already there (an earlier batch, or another instance concurrently:
     * the insert waits for that transaction) are left alone.
     *
     * @param ids         CloudEvent ids ({@code ce_id}), no duplicates needed but tolerated
     * @param types       their {@code ce_type}s, same length and order
     * @param processedAt when (UTC, stored with microsecond precision)
     * @return the ids that were NOT in the inbox yet: exactly the events to apply now
     */
    public Uni<Set<UUID>> recordNew(SqlConnection connection, List<UUID> ids, List<String> types,
                                    Instant processedAt) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return connection.preparedQuery(INSERT_INBOX)
                .execute(Tuple.of(ids.toArray(UUID[]::new), types.toArray(String[]::new), utc(processedAt)))
                .map(rows -> {
                    Set<UUID> fresh = new HashSet<>();
                    for (Row row : rows) {
                        fresh.add(row.getUUID(0));
                    }
                    return fresh;
                });
    }

    /**
     * @param tenants resource tenants, parallel to {@code apps}
     * @param apps    application ids
     * @return the registered (tenant, application) pairs among those asked, as {@link #key(String, String)}
     */
    public Uni<Set<String>> registeredApplications(SqlConnection connection, List<String> tenants,
                                                   List<String> apps) {
        if (tenants.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return connection.preparedQuery(REGISTERED_APPLICATIONS)
                .execute(Tuple.of(tenants.toArray(String[]::new), apps.toArray(String[]::new)))
                .map(rows -> {
                    Set<String> registered = new HashSet<>();
                    for (Row row : rows) {
                        registered.add(key(row.getString(0), row.getString(1)));
                    }
                    return registered;
                });
    }

    /**
     * @param tenants  configuring tenants, parallel to {@code partners}
     * @param partners the partner tenants they configure
     * @return the stored configurations among those asked, by {@link #key(String, String)} (tenant, partner)
     */
    public Uni<Map<String, StoredSettings>> configurations(SqlConnection connection, List<String> tenants,
                                                           List<String> partners) {
        if (tenants.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return connection.preparedQuery(CONFIGURATIONS)
                .execute(Tuple.of(tenants.toArray(String[]::new), partners.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, StoredSettings> found = new HashMap<>();
                    for (Row row : rows) {
                        Object settings = row.getValue(2);
                        found.put(key(row.getString(0), row.getString(1)), new StoredSettings(row.getString(0),
                                row.getString(1), settings instanceof JsonObject json ? json.encode()
                                : String.valueOf(settings), row.getLong(3)));
                    }
                    return found;
                });
    }

    /**
     * Inserts decisions; an invitation that already has one (a re-sent request under a new event id) keeps it.
     *
     * @param decidedAt the batch's decision time (UTC, microseconds), the same for every row
     * @return the invitation ids whose decision was inserted now
     */
    public Uni<Set<UUID>> insertDecisions(SqlConnection connection, List<NewDecision> decisions, Instant decidedAt) {
        if (decisions.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        int n = decisions.size();
        UUID[] ids = new UUID[n];
        UUID[] invitations = new UUID[n];
        String[] resourceTenants = new String[n];
        String[] homeTenants = new String[n];
        String[] applications = new String[n];
        String[] emails = new String[n];
        String[] outcomes = new String[n];
        String[] evaluations = new String[n];
        for (int i = 0; i < n; i++) {
            NewDecision d = decisions.get(i);
            ids[i] = d.id();
            invitations[i] = d.invitationId();
            resourceTenants[i] = d.resourceTenant();
            homeTenants[i] = d.homeTenant();
            applications[i] = d.application();
            emails[i] = d.inviteeEmail();
            outcomes[i] = d.outcome();
            evaluations[i] = d.evaluationJson();
        }
        Tuple parameters = Tuple.from(new Object[] {ids, invitations, resourceTenants, homeTenants, applications, emails,
                outcomes, evaluations, utc(decidedAt)});
        return connection.preparedQuery(INSERT_DECISIONS).execute(parameters).map(rows -> {
            Set<UUID> inserted = new HashSet<>();
            for (Row row : rows) {
                inserted.add(row.getUUID(0));
            }
            return inserted;
        });
    }

    /**
     * Appends outbox rows of one aggregate type, in list order (their {@code seq}, the relay's publishing order).
     *
     * @param occurredAt when the events occurred (UTC, microseconds), the same for every row
     * @return how many rows were inserted
     */
    public Uni<Integer> appendOutbox(SqlConnection connection, String aggregateType, List<NewOutboxRow> rows,
                                     Instant occurredAt) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        int n = rows.size();
        UUID[] ids = new UUID[n];
        String[] aggregateIds = new String[n];
        String[] payloads = new String[n];
        String[] types = new String[n];
        String[] topics = new String[n];
        for (int i = 0; i < n; i++) {
            NewOutboxRow row = rows.get(i);
            ids[i] = row.id();
            aggregateIds[i] = row.aggregateId();
            payloads[i] = row.payloadJson();
            types[i] = row.type();
            topics[i] = row.topic();
        }
        return connection.preparedQuery(INSERT_OUTBOX)
                .execute(Tuple.from(new Object[] {ids, aggregateIds, payloads, aggregateType, utc(occurredAt),
                        types, topics}))
                .map(result -> result.rowCount());
    }

    /** The map key of a (tenant, other) pair; tenant and application ids never contain a NUL character. */
    public static String key(String tenant, String other) {
        return tenant + '\u0000' + other;
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** A stored partner configuration: settings as JSON text, and its version. */
    public record StoredSettings(String tenant, String partner, String settingsJson, long version) {
    }

    /** A decision to insert; {@code evaluationJson} is the {"reasons": [...], "policyVersions": {...}} object. */
    public record NewDecision(UUID id, UUID invitationId, String resourceTenant, String homeTenant,
                              String application, String inviteeEmail, String outcome, String evaluationJson) {
    }

    /** An outbox row to append; {@code payloadJson} is the event's data (a JSON object). */
    public record NewOutboxRow(UUID id, String aggregateId, String type, String topic, String payloadJson) {
    }
}
