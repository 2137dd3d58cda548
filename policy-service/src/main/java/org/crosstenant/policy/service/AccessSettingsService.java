package org.crosstenant.policy.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import org.crosstenant.policy.messaging.OutboxRelay;
import org.crosstenant.policy.model.AccessSettings;
import org.crosstenant.policy.model.AccessSettingsVersion;
import org.crosstenant.policy.model.PartnerConfiguration;
import org.crosstenant.policy.model.Party;
import org.crosstenant.policy.repository.AccessSettingsHistoryRepository;
import org.crosstenant.policy.repository.LiveInvitationRepository;
import org.crosstenant.policy.repository.PartnerConfigurationRepository;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Cross-tenant access settings of each tenant: its default configuration and its partner configurations, versioned
 * with history, written with optimistic concurrency (If-Match) and published through the outbox as
 * {@code access-settings-changed.v2} in the same transaction (docs/api.md, docs/topics.md).
 */
@ApplicationScoped
public class AccessSettingsService {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final PartnerConfigurationRepository configurations;
    private final AccessSettingsHistoryRepository history;
    private final OutboxWriter outbox;
    private final OutboxRelay relay;
    private final ObjectMapper mapper;
    private final LiveInvitationRepository live;
    private final Reevaluation reevaluation;

    public AccessSettingsService(PartnerConfigurationRepository configurations,
                                 AccessSettingsHistoryRepository history, OutboxWriter outbox, OutboxRelay relay,
                                 ObjectMapper mapper, LiveInvitationRepository live, Reevaluation reevaluation) {
        this.configurations = configurations;
        this.history = history;
        this.outbox = outbox;
        this.relay = relay;
        this.mapper = mapper;
        this.live = live;
        this.reevaluation = reevaluation;
    }

    /**
     * A configuration as read: tenant, partner ({@link PartnerConfiguration#DEFAULT} for the default), version (0 for
     * a never-set default), settings, when and by whom (null for a never-set default).
     */
    public record Stored(String tenant, String partner, long version, AccessSettings settings, Instant updatedAt,
                         String updatedBy) {
        public boolean isDefault() {
            return PartnerConfiguration.DEFAULT.equals(partner);
        }
    }

    /** The effective configuration of (tenant, partner) with per-leaf sources and the versions it comes from. */
    public record Effective(String tenant, String partner, AccessSettings settings,
                            Map<String, AccessSettings.Source> sources, long defaultVersion, long partnerVersion) {
    }

    /** One page of history: entries (version, who, when, changes) and the version to continue after, or null. */
    public record HistoryPage(List<HistoryEntry> entries, Long next) {
    }

    /** One version: who changed it, when, which leaves changed (JSON pointers) and whether it deleted. */
    public record HistoryEntry(long version, Party changedBy, Instant changedAt, boolean deleted,
                               List<AccessSettings.Change> changes) {
    }

    /**
     * What a PUT or DELETE did: the configuration as stored (null after a DELETE), the ids of the
     * {@code access-settings-changed.v2} outbox rows it wrote on policy.events (the CloudEvents ids; empty for an
     * identical PUT), and how many live invitations it withdrew.
     */
    public record Change(Stored stored, List<UUID> events, int withdrawn) {
    }

    /** 412: the If-Match precondition does not hold for the current version. */
    public static class PreconditionFailedException extends RuntimeException {
        public PreconditionFailedException(String message) {
            super(message);
        }
    }

    /**
     * @param partner a partner tenant id, or {@link PartnerConfiguration#DEFAULT}
     * @return the stored configuration; the built-in default (version 0) for a never-set default
     * @throws UnknownResourceException (404) for a partner configuration that does not exist (or was deleted)
     */
    public Uni<Stored> get(String tenant, String partner) {
        return Panache.withSession(() -> configurations.findByTenantAndPartner(tenant, partner))
                .map(row -> stored(tenant, partner, row));
    }

    /**
     * Stores a configuration (strictly validated, canonical). An identical PUT keeps the version and publishes
     * nothing. A changed default also republishes every live partner configuration's effective settings. In the same
     * transaction, every live invitation the change affects is re-evaluated and each that no longer passes is
     * withdrawn ({@link Reevaluation#withdraw}); the tenant's advisory lock is held exclusively throughout.
     *
     * @param ifMatch the If-Match header, or null (last write wins)
     * @return the stored configuration, the policy.events rows written, and how many invitations were withdrawn
     * @throws InvalidInputException        (422) for an unacceptable body
     * @throws PreconditionFailedException (412) for a stale If-Match
     */
    public Uni<Change> put(String tenant, String partner, JsonNode body, String ifMatch, Party by) {
        AccessSettings settings = parse(tenant, partner, body);
        return Panache.withTransaction(() -> live.lockExclusive(tenant)
                        .chain(() -> configurations.findForUpdate(tenant, partner)).chain(existing -> {
                    if (unchanged(existing, partner, settings, ifMatch)) {
                        return Uni.createFrom().item(new Change(stored(tenant, partner, existing), List.of(), 0));
                    }
                    PartnerConfiguration row = existing != null ? existing : newRow(tenant, partner);
                    row.settings = toMap(settings.toTree());
                    return write(row, by).chain(saved -> publish(saved, settings, by)
                            .chain(events -> reevaluation.withdraw(new Reevaluation.Proposal(tenant, partner,
                                    settings, saved.version), saved.updatedAt)
                                    .map(withdrawn -> new Change(stored(tenant, partner, saved), events,
                                            withdrawn))));
                }))
                .invoke(relay::trigger);
    }

    /**
     * Deletes a partner configuration: the partner falls back to the default. Publishes a deleted v2 event and, in
     * the same transaction, withdraws the live invitations between the two that the default does not admit.
     *
     * @return the policy.events row written (stored null), and how many invitations were withdrawn
     * @throws UnknownResourceException    (404) when there is none
     * @throws PreconditionFailedException (412) for a stale If-Match
     */
    public Uni<Change> delete(String tenant, String partner, String ifMatch, Party by) {
        return Panache.withTransaction(() -> live.lockExclusive(tenant)
                        .chain(() -> configurations.findForUpdate(tenant, partner)).chain(existing -> {
                    requireDeletable(existing, tenant, partner, ifMatch);
                    existing.settings = null;
                    return write(existing, by).chain(saved -> configurations.findByTenantAndPartner(tenant,
                                    PartnerConfiguration.DEFAULT)
                            .chain(def -> outbox.append(PolicyEvents.ACCESS_SETTINGS_AGGREGATE,
                                    PolicyEvents.accessSettingsKey(tenant, partner),
                                    PolicyEvents.ACCESS_SETTINGS_CHANGED, PolicyEvents.POLICY_EVENTS_TOPIC,
                                    PolicyEvents.accessSettingsDeleted(saved, def == null ? 0 : def.version, by),
                                    saved.updatedAt))
                            .chain(event -> reevaluation.withdraw(new Reevaluation.Proposal(tenant, partner, null,
                                    0), saved.updatedAt)
                                    .map(withdrawn -> new Change(null, List.of(event.id), withdrawn))));
                }))
                .invoke(relay::trigger);
    }

    /**
     * What a PUT would end, with the same checks as {@link #put} (422 body, 412 If-Match) and nothing saved or
     * published (a dry run, the impact of a proposed change). An identical configuration ends nothing.
     *
     * @param ifMatch the If-Match header, or null
     */
    public Uni<Reevaluation.Outcome> previewPut(String tenant, String partner, JsonNode body, String ifMatch) {
        AccessSettings settings = parse(tenant, partner, body);
        return Panache.withSession(() -> configurations.findByTenantAndPartner(tenant, partner).chain(existing -> {
            if (unchanged(existing, partner, settings, ifMatch)) {
                return Uni.createFrom().item(new Reevaluation.Outcome(0, List.of(), 0));
            }
            return reevaluation.evaluate(new Reevaluation.Proposal(tenant, partner, settings,
                    (existing == null ? 0 : existing.version) + 1));
        }));
    }

    /**
     * What a DELETE would end, with the same checks as {@link #delete} (404, 412) and nothing saved or published.
     *
     * @param ifMatch the If-Match header, or null
     */
    public Uni<Reevaluation.Outcome> previewDelete(String tenant, String partner, String ifMatch) {
        return Panache.withSession(() -> configurations.findByTenantAndPartner(tenant, partner).chain(existing -> {
            requireDeletable(existing, tenant, partner, ifMatch);
            return reevaluation.evaluate(new Reevaluation.Proposal(tenant, partner, null, 0));
        }));
    }

    private static AccessSettings parse(String tenant, String partner, JsonNode body) {
        if (tenant.equals(partner)) {
            throw new InvalidInputException("a tenant cannot be its own partner: " + partner);
        }
        return AccessSettingsParser.parse(body);
    }

    /**
     * Checks If-Match against the stored row.
     *
     * @return whether {@code settings} is what is stored already (an identical PUT: nothing to do)
     */
    private boolean unchanged(PartnerConfiguration existing, String partner, AccessSettings settings, String ifMatch) {
        boolean isDefault = PartnerConfiguration.DEFAULT.equals(partner);
        boolean exists = existing != null && existing.settings != null;
        requireMatch(ifMatch, exists || isDefault, existing == null ? 0 : existing.version);
        return exists && settings.equals(read(existing));
    }

    private static void requireDeletable(PartnerConfiguration existing, String tenant, String partner,
                                         String ifMatch) {
        if (existing == null || existing.settings == null) {
            throw notFound(tenant, partner);
        }
        requireMatch(ifMatch, true, existing.version);
    }

    /** @return effective(tenant, partner) with sources: the partner configuration (if any) over the default */
    public Uni<Effective> effective(String tenant, String partner) {
        return Panache.withSession(() -> configurations.findByTenantAndPartner(tenant, PartnerConfiguration.DEFAULT)
                .chain(def -> configurations.findByTenantAndPartner(tenant, partner).map(row -> {
                    AccessSettings tenantDefault = def == null ? AccessSettings.EMPTY : read(def);
                    boolean live = row != null && row.settings != null;
                    AccessSettings own = live ? read(row) : AccessSettings.EMPTY;
                    return new Effective(tenant, partner, AccessSettings.effective(own, tenantDefault),
                            AccessSettings.sources(own, tenantDefault), def == null ? 0 : def.version,
                            live ? row.version : 0);
                })));
    }

    /**
     * @param after versions after this one (0 = from the start)
     * @param limit most entries (1 to 200)
     * @return the page; 404 when the configuration has no history (never set partner configuration)
     */
    public Uni<HistoryPage> history(String tenant, String partner, long after, int limit) {
        return Panache.withSession(() -> history.page(tenant, partner, after, limit + 2)).map(rows -> {
            if (rows.isEmpty() && after == 0 && !PartnerConfiguration.DEFAULT.equals(partner)) {
                throw notFound(tenant, partner);
            }
            List<HistoryEntry> entries = new ArrayList<>();
            AccessSettings previous = AccessSettings.EMPTY;
            Long next = null;
            for (AccessSettingsVersion row : rows) {
                AccessSettings current = row.settings == null ? AccessSettings.EMPTY : read(row.settings);
                if (row.version > after) {
                    if (entries.size() == limit) {
                        next = entries.get(limit - 1).version();
                        break;
                    }
                    entries.add(new HistoryEntry(row.version, new Party(row.changedByTenant, row.changedBySubject,
                            row.changedByEmail), row.changedAt, row.settings == null,
                            AccessSettings.diff(previous, current)));
                }
                previous = current;
            }
            return new HistoryPage(entries, next);
        });
    }

    /**
     * Reads a stored configuration document back ({@link AccessSettingsParser#readStored}).
     *
     * @throws IllegalStateException when it is not a valid configuration (a database problem, never the caller's)
     */
    public AccessSettings read(Map<String, Object> settings) {
        try {
            return AccessSettingsParser.readStored(mapper.valueToTree(settings));
        } catch (RuntimeException e) {
            throw new IllegalStateException("stored access settings are not valid", e);
        }
    }

    /**
     * Reads a configuration stored as JSON text (as the batch decision path reads it).
     *
     * @throws IllegalStateException when the text is not a valid configuration
     */
    public AccessSettings read(String json) {
        try {
            return AccessSettingsParser.readStored(mapper.readTree(json));
        } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
            throw new IllegalStateException("stored access settings are not valid", e);
        }
    }

    private AccessSettings read(PartnerConfiguration row) {
        return read(row.settings);
    }

    private Stored stored(String tenant, String partner, PartnerConfiguration row) {
        if (row == null || row.settings == null) {
            if (PartnerConfiguration.DEFAULT.equals(partner)) {
                return new Stored(tenant, partner, row == null ? 0 : row.version, AccessSettings.BUILT_IN, null,
                        null);
            }
            throw notFound(tenant, partner);
        }
        return new Stored(tenant, partner, row.version, read(row), row.updatedAt, row.updatedBy);
    }

    /** Bumps the version, stamps the row, persists it and its history entry. */
    private Uni<PartnerConfiguration> write(PartnerConfiguration row, Party by) {
        row.version = row.version + 1;
        row.updatedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        row.updatedBy = by.subject();
        AccessSettingsVersion version = new AccessSettingsVersion();
        version.tenant = row.tenant;
        version.partner = row.partner;
        version.version = row.version;
        version.settings = row.settings;
        version.changedByTenant = by.tenant();
        version.changedBySubject = by.subject();
        version.changedByEmail = by.email();
        version.changedAt = row.updatedAt;
        return configurations.persist(row).call(saved -> history.persist(version));
    }

    /**
     * The v2 event of the change, and for a default the fan-out to every live partner configuration.
     *
     * @return the outbox row ids, in the order written
     */
    private Uni<List<UUID>> publish(PartnerConfiguration saved, AccessSettings settings, Party by) {
        if (!PartnerConfiguration.DEFAULT.equals(saved.partner)) {
            return configurations.findByTenantAndPartner(saved.tenant, PartnerConfiguration.DEFAULT)
                    .chain(def -> append(saved, settings, def == null ? AccessSettings.EMPTY : read(def),
                            def == null ? 0 : def.version, by, saved.updatedAt))
                    .map(List::of);
        }
        List<UUID> events = new ArrayList<>();
        return append(saved, AccessSettings.EMPTY, settings, saved.version, by, saved.updatedAt)
                .invoke(events::add)
                .chain(() -> configurations.livePartnersOf(saved.tenant))
                .chain(partners -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (PartnerConfiguration partner : partners) {
                        chain = chain.chain(() -> append(partner, read(partner), settings, saved.version, by,
                                saved.updatedAt).invoke(events::add).replaceWithVoid());
                    }
                    return chain;
                })
                .map(nothing -> List.copyOf(events));
    }

    /**
     * Appends the v2 event of {@code row} (a partner configuration, or the default when {@code own} is EMPTY).
     *
     * @return the outbox row's id
     */
    private Uni<UUID> append(PartnerConfiguration row, AccessSettings own, AccessSettings tenantDefault,
                             long defaultVersion, Party by, Instant at) {
        boolean isDefault = PartnerConfiguration.DEFAULT.equals(row.partner);
        JsonObject effective = json(AccessSettings.effective(isDefault ? AccessSettings.EMPTY : own, tenantDefault)
                .toTree());
        JsonObject payload = PolicyEvents.accessSettingsChanged(row.tenant, isDefault ? null : row.partner,
                row.version, defaultVersion, new JsonObject(row.settings), effective, by, at);
        return outbox.append(PolicyEvents.ACCESS_SETTINGS_AGGREGATE,
                PolicyEvents.accessSettingsKey(row.tenant, row.partner), PolicyEvents.ACCESS_SETTINGS_CHANGED,
                PolicyEvents.POLICY_EVENTS_TOPIC, payload, at).map(event -> event.id);
    }

    /**
     * The If-Match precondition (RFC 9110 section 13.1.1) against a resource's version, its ETag {@code "<version>"}.
     *
     * @param ifMatch the header, already checked against its grammar (rest layer), or null (no precondition)
     * @param exists  whether the resource exists ({@code *} matches any existing one)
     * @param version its current version
     * @throws PreconditionFailedException (412) when the precondition does not hold
     */
    static void requireMatch(String ifMatch, boolean exists, long version) {
        if (ifMatch == null) {
            return;
        }
        String header = ifMatch.strip();
        if (header.equals("*") ? exists : exists && matches(header, version)) {
            return;
        }
        // the header is already checked against its grammar (rest layer): quoted tags, printable, so shown as sent
        throw new PreconditionFailedException("If-Match " + ifMatch + " does not match the current version "
                + (exists ? "\"" + version + "\"" : "(none)"));
    }

    /** Strong comparison (RFC 9110 section 13.1.1): any listed {@code "<version>"} tag, weak tags never match. */
    private static boolean matches(String header, long version) {
        String tag = "\"" + version + "\"";
        for (String candidate : header.split(",")) {
            if (candidate.strip().equals(tag)) {
                return true;
            }
        }
        return false;
    }

    private Map<String, Object> toMap(JsonNode tree) {
        return mapper.convertValue(tree, MAP);
    }

    private JsonObject json(JsonNode tree) {
        return new JsonObject(toMap(tree));
    }

    private static UnknownResourceException notFound(String tenant, String partner) {
        return new UnknownResourceException(tenant + " has no partner configuration for " + partner);
    }

    private static PartnerConfiguration newRow(String tenant, String partner) {
        PartnerConfiguration row = new PartnerConfiguration();
        row.id = UUID.randomUUID();
        row.tenant = tenant;
        row.partner = partner;
        row.version = 0;
        return row;
    }
}
