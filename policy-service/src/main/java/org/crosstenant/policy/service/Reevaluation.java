package org.crosstenant.policy.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.crosstenant.policy.model.AccessSettings;
import org.crosstenant.policy.model.LiveInvitation;
import org.crosstenant.policy.model.PartnerConfiguration;
import org.crosstenant.policy.repository.DecisionBatchRepository.NewOutboxRow;
import org.crosstenant.policy.repository.DecisionBatchRepository.StoredSettings;
import org.crosstenant.policy.repository.LiveInvitationRepository;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import static org.crosstenant.policy.repository.DecisionBatchRepository.key;

/**
 * Continuous access evaluation (issue #8): which live invitations a settings change ends, and ending them.
 * <p>
 * A change of {@code tenant}'s configuration for a partner affects the live invitations between the two, in both
 * directions (the tenant as resource tenant: its inbound rules and invitation rules; as home tenant: its outbound
 * rules); a change of its default affects every live invitation in which it takes part. Each is evaluated against the
 * effective settings of both sides AFTER the change:
 * <ul>
 * <li>a pending one (requested with allow, pending_approval, pending_acceptance) by the full invitation decision
 * ({@link AccessEvaluator#explain}), with the request's filer (unknown = a resource admin: a rule that cannot be
 * decided ends nothing);</li>
 * <li>an active grant (accepted) by the access rules and the resource tenant's domain list
 * ({@link AccessEvaluator#explainGrant}): email and home subject known, groups not, who may invite never.</li>
 * </ul>
 * A configuration that cannot be read back ends nothing (logged). {@link #evaluate} only reads (impact, dry run);
 * {@link #withdraw} also marks the failing ones withdrawn and writes one {@code access-withdrawn.v1} outbox row per
 * invitation withdrawn now, in the caller's transaction. Both run in the current Hibernate Reactive session.
 */
@ApplicationScoped
public class Reevaluation {

    private static final Logger LOG = Logger.getLogger(Reevaluation.class);

    private final LiveInvitationRepository live;
    private final EffectiveSettingsCache cache;
    private final ObjectMapper mapper;

    public Reevaluation(LiveInvitationRepository live, EffectiveSettingsCache cache, ObjectMapper mapper) {
        this.live = live;
        this.cache = cache;
        this.mapper = mapper;
    }

    /**
     * A configuration as it is (or would be) after a change.
     *
     * @param tenant   the configuring tenant (the one whose change it is)
     * @param partner  the partner tenant, or {@link PartnerConfiguration#DEFAULT}
     * @param settings the configuration after the change; null = the partner configuration is deleted
     * @param version  its version after the change (0 when deleted)
     */
    public record Proposal(String tenant, String partner, AccessSettings settings, long version) {
        boolean isDefault() {
            return PartnerConfiguration.DEFAULT.equals(partner);
        }
    }

    /**
     * A live invitation that does not pass the settings after the change.
     *
     * @param invitation     as the projection knows it (its status is the one it would end from)
     * @param evaluation     the refusal, with the three reason lists
     * @param policyVersions each side's partner-configuration version (0 when its default decided)
     */
    public record Failure(LiveInvitation invitation, AccessEvaluator.Evaluation evaluation,
                          Map<String, Long> policyVersions) {
    }

    /**
     * @param examined   live invitations re-evaluated
     * @param failures   those that fail, by invitation id
     * @param unreadable those left alone because a stored configuration could not be read back
     */
    public record Outcome(int examined, List<Failure> failures, int unreadable) {
        static final Outcome NONE = new Outcome(0, List.of(), 0);
    }

    /**
     * Re-evaluates, changing nothing.
     *
     * @return what the change would end
     */
    public Uni<Outcome> evaluate(Proposal proposal) {
        return live.liveOf(proposal.tenant(), proposal.partner()).chain(rows -> {
            if (rows.isEmpty()) {
                return Uni.createFrom().item(Outcome.NONE);
            }
            Set<String> others = new LinkedHashSet<>();
            List<String> appTenants = new ArrayList<>();
            List<String> apps = new ArrayList<>();
            Set<String> appKeys = new LinkedHashSet<>();
            for (LiveInvitation row : rows) {
                others.add(row.resourceTenant().equals(proposal.tenant()) ? row.homeTenant() : row.resourceTenant());
                if (!row.status().grant() && appKeys.add(key(row.resourceTenant(), row.application()))) {
                    appTenants.add(row.resourceTenant());
                    apps.add(row.application());
                }
            }
            return live.configurationsAround(proposal.tenant(), others)
                    .chain(stored -> live.registeredApplications(appTenants, apps)
                            .map(registered -> evaluate(proposal, rows, stored, registered)));
        });
    }

    /**
     * Re-evaluates and ends what fails: marks it withdrawn and appends one {@code access-withdrawn.v1} outbox row per
     * invitation withdrawn now (one that another change withdrew meanwhile is left out). Must run in the transaction
     * that saves the change, after {@link LiveInvitationRepository#lockExclusive} of the changing tenant.
     *
     * @param at the change's time (UTC, microseconds)
     * @return how many invitations were withdrawn
     */
    public Uni<Integer> withdraw(Proposal proposal, Instant at) {
        long started = System.nanoTime();
        return evaluate(proposal).chain(outcome -> end(outcome, proposal.tenant(), at, started,
                "settings change (" + (proposal.isDefault() ? "default" : "partner " + proposal.partner()) + ")"));
    }

    /**
     * The live invitations of an application its resource tenant removes (issue #8, application removal): every one,
     * grants and pending ones alike, whatever the settings say, each refused by {@link #removedApplication}. Changes
     * nothing (the dry run of a removal); runs in the current session.
     *
     * @param tenant      the resource tenant
     * @param application the application id
     * @return what the removal would end ({@code policyVersions} empty: no setting decided it)
     */
    public Uni<Outcome> evaluateRemoval(String tenant, String application) {
        return live.liveOfApplication(tenant, application).map(rows -> {
            AccessEvaluator.Evaluation removed = removedApplication(tenant, application);
            List<Failure> failures = rows.stream().map(row -> new Failure(row, removed, Map.<String, Long>of()))
                    .toList();
            return new Outcome(rows.size(), failures, 0);
        });
    }

    /**
     * Ends every live invitation of a removed application ({@link #evaluateRemoval}) as {@link #withdraw} ends what a
     * settings change fails: marked withdrawn, one {@code access-withdrawn.v1} each ({@code cause}
     * {@code policy-changed}, {@code changedTenant} the resource tenant, the reasons of
     * {@link #removedApplication}). Must run in the transaction that deletes the registration, after
     * {@link LiveInvitationRepository#lockExclusive} of the resource tenant.
     *
     * @param at the removal's time (UTC, microseconds)
     * @return how many invitations were withdrawn
     */
    public Uni<Integer> withdrawRemoval(String tenant, String application, Instant at) {
        long started = System.nanoTime();
        return evaluateRemoval(tenant, application).chain(outcome -> end(outcome, tenant, at, started,
                "removal of application " + application));
    }

    /**
     * The refusal of a live invitation whose application its resource tenant removed: for the resource tenant
     * {@code "application <app> was removed by <tenant>"}; for the home tenant and both (shared, audit) only
     * {@code "<tenant> settings blocked it"}, as a request for an application that is not registered reads to them
     * (issue #7: of the other side only that it blocked; the registry is the resource tenant's).
     *
     * @param tenant      the resource tenant
     * @param application the removed application
     * @return a {@link AccessEvaluator#DENY} with its three reason lists
     */
    public static AccessEvaluator.Evaluation removedApplication(String tenant, String application) {
        String blocked = tenant + " settings blocked it";
        return new AccessEvaluator.Evaluation(AccessEvaluator.DENY,
                List.of("application " + application + " was removed by " + tenant), List.of(blocked),
                List.of(blocked), false);
    }

    /**
     * Marks the failures withdrawn (those still live) and appends one {@code access-withdrawn.v1} per invitation
     * withdrawn now, in the current transaction.
     *
     * @param changedTenant the tenant whose change it is
     * @param started       {@link System#nanoTime()} when the change began (for the log line)
     * @param what          what changed, for the log line
     * @return how many were withdrawn
     */
    private Uni<Integer> end(Outcome outcome, String changedTenant, Instant at, long started, String what) {
        if (outcome.failures().isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<UUID> failing = outcome.failures().stream().map(f -> f.invitation().invitationId()).toList();
        return live.withdraw(failing, at).chain(withdrawn -> {
            List<NewOutboxRow> events = new ArrayList<>(withdrawn.size());
            for (Failure failure : outcome.failures()) {
                LiveInvitation invitation = failure.invitation();
                if (!withdrawn.contains(invitation.invitationId())) {
                    continue; // another tenant's change withdrew it first: published once, by that change
                }
                // the event's id (ce_id) is the withdrawal's id
                UUID id = UUID.randomUUID();
                events.add(new NewOutboxRow(id, invitation.invitationId().toString(),
                        PolicyEvents.ACCESS_WITHDRAWN, PolicyEvents.DECISIONS_TOPIC,
                        PolicyEvents.accessWithdrawn(id, invitation, changedTenant, failure.evaluation(),
                                failure.policyVersions(), at).encode()));
            }
            return live.appendOutbox(DecisionService.AGGREGATE_TYPE, events, at).invoke(n -> LOG.infof(
                    "%s of %s: %d live invitation(s) re-evaluated, %d withdrawn, in %d ms",
                    what, changedTenant, outcome.examined(), n, (System.nanoTime() - started) / 1_000_000));
        });
    }

    private Outcome evaluate(Proposal proposal, List<LiveInvitation> rows, Map<String, StoredSettings> stored,
                             Set<String> registered) {
        Map<String, Optional<CompiledSettings>> compiled = new HashMap<>();
        List<Failure> failures = new ArrayList<>();
        int unreadable = 0;
        for (LiveInvitation row : rows) {
            String r = row.resourceTenant();
            String h = row.homeTenant();
            Optional<CompiledSettings> inbound = compiled.computeIfAbsent(key(r, h),
                    k -> compile(proposal, stored, r, h));
            Optional<CompiledSettings> outbound = compiled.computeIfAbsent(key(h, r),
                    k -> compile(proposal, stored, h, r));
            if (inbound.isEmpty() || outbound.isEmpty()) {
                unreadable++;
                continue;
            }
            AccessEvaluator.Evaluation evaluation = row.status().grant()
                    ? AccessEvaluator.explainGrant(new AccessEvaluator.Grant(r, h, row.application(),
                            row.inviteeEmail(), row.inviteeDomain(), row.guestSubject()), inbound.get(), outbound.get())
                    // a filer not seen counts as a resource admin: what cannot be decided ends nothing
                    : AccessEvaluator.explain(new AccessEvaluator.Invitation(r, h, row.application(),
                            row.inviteeEmail(), row.inviteeDomain(), !Boolean.FALSE.equals(row.filedByResourceAdmin()),
                            registered.contains(key(r, row.application()))), inbound.get(), outbound.get());
            if (!evaluation.allowed()) {
                Map<String, Long> versions = new TreeMap<>();
                versions.put(r, inbound.get().partnerVersion());
                versions.putIfAbsent(h, outbound.get().partnerVersion());
                failures.add(new Failure(row, evaluation, versions));
            }
        }
        if (unreadable > 0) {
            LOG.errorf("settings change of %s: %d live invitation(s) not re-evaluated because a stored configuration "
                    + "cannot be read back; they stay as they are", proposal.tenant(), unreadable);
        }
        return new Outcome(rows.size(), List.copyOf(failures), unreadable);
    }

    /**
     * Effective settings of (tenant, partner) after the change: the changing tenant's configurations with the proposal
     * in place, compiled afresh (never cached: a proposal may be a dry run, and a change may still roll back); any
     * other tenant's through the cache of stored versions. Empty when a stored configuration cannot be read back.
     */
    private Optional<CompiledSettings> compile(Proposal proposal, Map<String, StoredSettings> stored, String tenant,
                                               String partner) {
        StoredSettings tenantDefault = stored.get(key(tenant, PartnerConfiguration.DEFAULT));
        StoredSettings own = stored.get(key(tenant, partner));
        try {
            if (!tenant.equals(proposal.tenant())) {
                return Optional.of(cache.compiled(tenant, partner, tenantDefault, own));
            }
            AccessSettings defaultSettings;
            long defaultVersion;
            AccessSettings ownSettings;
            long ownVersion;
            if (proposal.isDefault()) {
                defaultSettings = proposal.settings();
                defaultVersion = proposal.version();
            } else {
                defaultSettings = tenantDefault == null ? AccessSettings.EMPTY : read(tenantDefault);
                defaultVersion = tenantDefault == null ? 0 : tenantDefault.version();
            }
            if (!proposal.isDefault() && partner.equals(proposal.partner())) {
                ownSettings = proposal.settings() == null ? AccessSettings.EMPTY : proposal.settings();
                ownVersion = proposal.settings() == null ? 0 : proposal.version();
            } else {
                ownSettings = own == null ? AccessSettings.EMPTY : read(own);
                ownVersion = own == null ? 0 : own.version();
            }
            return Optional.of(CompiledSettings.compile(ownSettings, defaultSettings, defaultVersion, ownVersion));
        } catch (RuntimeException e) {
            LOG.errorf(e, "stored access settings of %s for partner %s or its default cannot be read back", tenant,
                    partner);
            return Optional.empty();
        }
    }

    private AccessSettings read(StoredSettings stored) {
        try {
            return AccessSettingsParser.readStored(mapper.readTree(stored.settingsJson()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored access settings are not JSON", e);
        }
    }
}
