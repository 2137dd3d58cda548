package org.crosstenant.policy.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import org.crosstenant.policy.messaging.OutboxRelay;
import org.crosstenant.policy.model.Decision;
import org.crosstenant.policy.model.IncomingEvent;
import org.crosstenant.policy.model.InvitationRequested;
import org.crosstenant.policy.model.LiveInvitation;
import org.crosstenant.policy.model.LiveStatus;
import org.crosstenant.policy.model.PartnerConfiguration;
import org.crosstenant.policy.repository.DecisionBatchRepository;
import org.crosstenant.policy.repository.DecisionBatchRepository.NewDecision;
import org.crosstenant.policy.repository.DecisionBatchRepository.NewOutboxRow;
import org.crosstenant.policy.repository.DecisionBatchRepository.StoredSettings;
import org.crosstenant.policy.repository.LiveInvitationRepository;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import static org.crosstenant.policy.repository.DecisionBatchRepository.key;

/**
 * Decides collaboration requests a whole consumer poll batch at a time: the inbox rows, the decisions and their
 * outbox events of one batch commit together in ONE transaction of a fixed number of statements (inbox insert,
 * the involved tenants' advisory locks (shared), applications, partner configurations, decisions insert, outbox
 * insert, live-invitation upsert), whatever the batch size. Every invitation allowed becomes live in policy-service's
 * projection ({@link LiveInvitationRepository}) in the same transaction, so a later settings change re-evaluates it.
 * <p>
 * Exactly-once effect: an event id already in the inbox (an earlier batch, a redelivery after a crash or a retried
 * batch whose commit went through) or twice in the batch is applied once; an invitation that already has a decision
 * (a re-sent request under a new event id, in this batch or earlier) keeps its first decision. Events are applied in
 * the given (offset) order, so the outbox keeps per-invitation order.
 */
@ApplicationScoped
public class DecisionService {

    private static final Logger LOG = Logger.getLogger(DecisionService.class);
    public static final String AGGREGATE_TYPE = "invitation";
    /** The reason of a deny because the resource tenant's configuration for the home tenant cannot be read back. */
    public static final String UNREADABLE_RESOURCE_SETTINGS = "the resource tenant's access settings could not be read";
    /** The reason of a deny because the home tenant's configuration for the resource tenant cannot be read back. */
    public static final String UNREADABLE_HOME_SETTINGS = "the home tenant's access settings could not be read";

    private final Pool pool;
    private final DecisionBatchRepository batches;
    private final LiveInvitationRepository live;
    private final EffectiveSettingsCache settings;
    private final OutboxRelay relay;
    private final Counter unreadableInputs;

    public DecisionService(Pool pool, DecisionBatchRepository batches, LiveInvitationRepository live,
                           EffectiveSettingsCache settings, OutboxRelay relay, MeterRegistry registry) {
        this.pool = pool;
        this.batches = batches;
        this.live = live;
        this.settings = settings;
        this.relay = relay;
        // alert on any increase: a tenant's stored configuration cannot be read back (docs/config/policy-service.md)
        this.unreadableInputs = Counter.builder("crosstenant.policy.decisions.unreadable.inputs")
                .description("decisions denied because a stored input (partner configuration) could not be read back")
                .register(registry);
    }

    /**
     * What one batch did: events applied (new to the inbox), duplicates skipped, decisions made, and how many of
     * those were denied because an input could not be read back.
     */
    public record BatchResult(int applied, int duplicates, int decided, int unreadable) {
    }

    /**
     * Applies a batch of valid events in one transaction and, when it made decisions, asks the outbox relay for a pass
     * (once per batch). Safe to retry as a whole after any failure: the transaction rolled back, or it committed and
     * the inbox turns every event of the retry into a duplicate.
     *
     * @param events parsed events in offset order (duplicates allowed)
     * @return counts; fails when the database does (nothing of the batch is then committed)
     */
    public Uni<BatchResult> handleBatch(List<IncomingEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(new BatchResult(0, 0, 0, 0));
        }
        return Uni.createFrom().deferred(() -> pool.withTransaction(connection -> apply(connection, events)))
                .invoke(result -> {
                    if (result.decided() > 0) {
                        relay.trigger();
                    }
                    if (result.unreadable() > 0) {
                        unreadableInputs.increment(result.unreadable());
                    }
                });
    }

    private Uni<BatchResult> apply(SqlConnection connection, List<IncomingEvent> events) {
        // first occurrence of each event id, in order
        Map<UUID, IncomingEvent> unique = new LinkedHashMap<>();
        for (IncomingEvent event : events) {
            unique.putIfAbsent(event.id(), event);
        }
        List<UUID> ids = new ArrayList<>(unique.keySet());
        List<String> types = unique.values().stream().map(IncomingEvent::type).toList();
        Instant now = now();
        return batches.recordNew(connection, ids, types, now).chain(fresh -> {
            int duplicates = events.size() - fresh.size();
            // requests to decide: new events only, and the first request of each invitation in the batch
            Map<UUID, InvitationRequested> requests = new LinkedHashMap<>();
            for (IncomingEvent event : unique.values()) {
                if (fresh.contains(event.id()) && event.requested() != null) {
                    InvitationRequested earlier = requests.putIfAbsent(event.requested().invitationId(),
                            event.requested());
                    if (earlier != null) {
                        LOG.infof("invitation %s requested again in the same batch (event %s), decided once",
                                earlier.invitationId(), event.id());
                    }
                }
            }
            if (requests.isEmpty()) {
                return Uni.createFrom().item(new BatchResult(fresh.size(), duplicates, 0, 0));
            }
            List<InvitationRequested> toDecide = new ArrayList<>(requests.values());
            return decide(connection, toDecide, now)
                    .map(decided -> new BatchResult(fresh.size(), duplicates, decided[0], decided[1]));
        });
    }

    /** @return decisions stored, and how many of them were denied because an input could not be read back */
    private Uni<int[]> decide(SqlConnection connection, List<InvitationRequested> requests, Instant now) {
        Set<String> appKeys = new LinkedHashSet<>();
        List<String> appTenants = new ArrayList<>();
        List<String> appIds = new ArrayList<>();
        Set<String> configKeys = new LinkedHashSet<>();
        List<String> configTenants = new ArrayList<>();
        List<String> configPartners = new ArrayList<>();
        Set<String> tenants = new HashSet<>();
        for (InvitationRequested request : requests) {
            tenants.add(request.resourceTenant());
            tenants.add(request.inviteeTenant());
            if (appKeys.add(key(request.resourceTenant(), request.application()))) {
                appTenants.add(request.resourceTenant());
                appIds.add(request.application());
            }
            // inbound (resource tenant about the home tenant) and outbound (home tenant about the resource tenant),
            // each over its tenant's default
            for (String[] pair : new String[][] {{request.resourceTenant(), request.inviteeTenant()},
                    {request.inviteeTenant(), request.resourceTenant()},
                    {request.resourceTenant(), PartnerConfiguration.DEFAULT},
                    {request.inviteeTenant(), PartnerConfiguration.DEFAULT}}) {
                if (configKeys.add(key(pair[0], pair[1]))) {
                    configTenants.add(pair[0]);
                    configPartners.add(pair[1]);
                }
            }
        }
        // shared lock of every tenant involved BEFORE reading their settings: a settings change of one of them
        // (exclusive) either committed before (we read its new settings) or waits for our commit (and re-evaluates
        // the invitations we make live); one connection runs one statement at a time: read sequentially
        return live.lockShared(connection, tenants)
                .chain(() -> batches.registeredApplications(connection, appTenants, appIds))
                .chain(registered -> batches.configurations(connection, configTenants, configPartners)
                        .chain(configurations -> store(connection, requests,
                                evaluate(requests, registered, configurations, now), now)));
    }

    private List<Decision> evaluate(List<InvitationRequested> requests, Set<String> registered,
                                    Map<String, StoredSettings> configurations, Instant now) {
        Map<String, ReadBack> compiled = new LinkedHashMap<>();
        List<Decision> decisions = new ArrayList<>(requests.size());
        for (InvitationRequested request : requests) {
            ReadBack inbound = compiled(compiled, configurations, request.resourceTenant(), request.inviteeTenant());
            ReadBack outbound = compiled(compiled, configurations, request.inviteeTenant(), request.resourceTenant());
            List<String> reasons = new ArrayList<>(2);
            if (inbound.settings() == null) {
                reasons.add(UNREADABLE_RESOURCE_SETTINGS);
            }
            if (outbound.settings() == null) {
                reasons.add(UNREADABLE_HOME_SETTINGS);
            }
            // never retried: the same stored row would fail the same way on every redelivery
            AccessEvaluator.Evaluation evaluation = !reasons.isEmpty()
                    ? new AccessEvaluator.Evaluation(AccessEvaluator.DENY, List.copyOf(reasons), List.copyOf(reasons),
                            List.copyOf(reasons), false)
                    : AccessEvaluator.explain(new AccessEvaluator.Invitation(request.resourceTenant(),
                            request.inviteeTenant(), request.application(), request.inviteeEmail(),
                            request.inviteeDomain(), request.filedByResourceAdmin(),
                            registered.contains(key(request.resourceTenant(), request.application()))),
                            inbound.settings(), outbound.settings());
            Map<String, Long> versions = new TreeMap<>();
            versions.put(request.resourceTenant(), inbound.partnerVersion());
            versions.putIfAbsent(request.inviteeTenant(), outbound.partnerVersion());
            Decision decision = new Decision();
            decision.id = UUID.randomUUID();
            decision.invitationId = request.invitationId();
            decision.resourceTenant = request.resourceTenant();
            decision.homeTenant = request.inviteeTenant();
            decision.application = request.application();
            decision.inviteeEmail = request.inviteeEmail();
            decision.outcome = evaluation.outcome();
            decision.evaluation = Map.of("reasons", evaluation.reasons(), "sharedReasons",
                    evaluation.sharedReasons(), "homeReasons", evaluation.homeReasons(), "policyVersions", versions,
                    "approvalRequired", evaluation.approvalRequired());
            decision.decidedAt = now;
            decisions.add(decision);
        }
        return decisions;
    }

    /**
     * Effective settings of (tenant, partner) as compiled (null when a stored configuration is unreadable), and the
     * stored partner configuration's version (0 when none).
     */
    private record ReadBack(CompiledSettings settings, long partnerVersion) {
    }

    /**
     * Compiles (through the cache) each effective configuration once per batch, however many requests share it. A
     * stored row the parser refuses is logged at ERROR once per batch; decisions that need it are denied.
     */
    private ReadBack compiled(Map<String, ReadBack> done, Map<String, StoredSettings> configurations,
                              String tenant, String partner) {
        return done.computeIfAbsent(key(tenant, partner), k -> {
            StoredSettings own = configurations.get(k);
            StoredSettings tenantDefault = configurations.get(key(tenant, PartnerConfiguration.DEFAULT));
            long version = own == null ? 0 : own.version();
            try {
                return new ReadBack(settings.compiled(tenant, partner, tenantDefault, own), version);
            } catch (RuntimeException e) {
                LOG.errorf(e, "stored access settings of %s for partner %s (version %d) or its default cannot be "
                        + "read back; every decision that needs them is denied until %s changes them", tenant,
                        partner, version, tenant);
                return new ReadBack(null, version);
            }
        });
    }

    /**
     * Inserts the decisions, then one outbox row per decision actually inserted, in request order, and makes every
     * invitation allowed now live in the projection ({@code requested}, with its filer).
     *
     * @return decisions stored, and how many of them were denied because an input could not be read back
     */
    private Uni<int[]> store(SqlConnection connection, List<InvitationRequested> requests, List<Decision> decisions,
                             Instant now) {
        List<NewDecision> rows = new ArrayList<>(decisions.size());
        for (Decision d : decisions) {
            rows.add(new NewDecision(d.id, d.invitationId, d.resourceTenant, d.homeTenant, d.application,
                    d.inviteeEmail, d.outcome, new JsonObject(d.evaluation).encode()));
        }
        return batches.insertDecisions(connection, rows, now).chain(inserted -> {
            List<NewOutboxRow> events = new ArrayList<>(inserted.size());
            Set<UUID> published = new HashSet<>();
            int unreadable = 0;
            for (Decision d : decisions) {
                if (!inserted.contains(d.invitationId) || !published.add(d.invitationId)) {
                    // a re-sent request under a new event id: the invitation keeps its first decision
                    LOG.infof("invitation %s already decided, not decided again", d.invitationId);
                    continue;
                }
                if (unreadableInputs(d)) {
                    unreadable++;
                    LOG.errorf("invitation %s: %s because an input could not be read back (%s)", d.invitationId,
                            d.outcome, reasonsOf(d));
                } else {
                    LOG.infof("invitation %s: %s (%s)", d.invitationId, d.outcome, reasonsOf(d));
                }
                events.add(new NewOutboxRow(UUID.randomUUID(), d.invitationId.toString(), PolicyEvents.DECIDED,
                        PolicyEvents.DECISIONS_TOPIC, PolicyEvents.decided(d).encode()));
            }
            int[] counts = {events.size(), unreadable};
            Map<UUID, Boolean> filers = new HashMap<>();
            requests.forEach(r -> filers.putIfAbsent(r.invitationId(), r.filedByResourceAdmin()));
            List<LiveInvitation> allowed = new ArrayList<>();
            for (Decision d : decisions) {
                if (published.contains(d.invitationId) && AccessEvaluator.ALLOW.equals(d.outcome)) {
                    allowed.add(new LiveInvitation(d.invitationId, d.resourceTenant, d.homeTenant, d.application,
                            d.inviteeEmail, filers.get(d.invitationId), null, LiveStatus.REQUESTED));
                }
            }
            return batches.appendOutbox(connection, AGGREGATE_TYPE, events, now)
                    .chain(() -> live.upsert(connection, allowed, now)).replaceWith(counts);
        });
    }

    @SuppressWarnings("unchecked")
    private static boolean unreadableInputs(Decision decision) {
        List<String> reasons = (List<String>) decision.evaluation.get("reasons");
        return reasons.contains(UNREADABLE_RESOURCE_SETTINGS) || reasons.contains(UNREADABLE_HOME_SETTINGS);
    }

    @SuppressWarnings("unchecked")
    private static String reasonsOf(Decision decision) {
        return String.join("; ", (List<String>) decision.evaluation.get("reasons"));
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
