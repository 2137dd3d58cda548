package org.crosstenant.policy.service;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.crosstenant.policy.messaging.OutboxRelay;
import org.crosstenant.policy.model.Decision;
import org.crosstenant.policy.model.IncomingEvent;
import org.crosstenant.policy.model.InboxEntry;
import org.crosstenant.policy.model.InvitationRequested;
import org.crosstenant.policy.model.PartnerConfiguration;
import org.crosstenant.policy.repository.ApplicationRepository;
import org.crosstenant.policy.repository.DecisionRepository;
import org.crosstenant.policy.repository.InboxRepository;
import org.crosstenant.policy.repository.PartnerConfigurationRepository;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/** Decides collaboration requests; the inbox row, the decision and its outbox event commit together. */
@ApplicationScoped
public class DecisionService {

    private static final Logger LOG = Logger.getLogger(DecisionService.class);
    public static final String AGGREGATE_TYPE = "invitation";

    private final InboxRepository inbox;
    private final DecisionRepository decisions;
    private final ApplicationRepository applications;
    private final PartnerConfigurationRepository configurations;
    private final PartnerSettingsService settings;
    private final OutboxWriter outbox;
    private final OutboxRelay relay;

    public DecisionService(InboxRepository inbox, DecisionRepository decisions, ApplicationRepository applications,
                           PartnerConfigurationRepository configurations, PartnerSettingsService settings,
                           OutboxWriter outbox, OutboxRelay relay) {
        this.inbox = inbox;
        this.decisions = decisions;
        this.applications = applications;
        this.configurations = configurations;
        this.settings = settings;
        this.outbox = outbox;
        this.relay = relay;
    }

    /** @return the new decision, or null when the event was a duplicate or needs no decision */
    public Uni<Decision> handle(IncomingEvent event) {
        return Panache.withTransaction(() -> inbox.findById(event.id()).chain(seen -> {
                    if (seen != null) {
                        LOG.debugf("event %s already processed, skipped", event.id());
                        return Uni.createFrom().nullItem();
                    }
                    InboxEntry entry = new InboxEntry();
                    entry.eventId = event.id();
                    entry.type = event.type();
                    entry.processedAt = now();
                    Uni<InboxEntry> recorded = inbox.persist(entry);
                    if (event.requested() == null) {
                        return recorded.replaceWith(Uni.createFrom().<Decision>nullItem());
                    }
                    return recorded.chain(() -> decide(event.requested()));
                }))
                .invoke(decision -> {
                    if (decision != null) {
                        relay.trigger();
                    }
                });
    }

    private Uni<Decision> decide(InvitationRequested request) {
        return decisions.findByInvitation(request.invitationId()).chain(earlier -> {
            if (earlier != null) {
                // a re-sent request under a new event id: the invitation keeps its first decision
                LOG.infof("invitation %s already decided (%s), not decided again", request.invitationId(), earlier.id);
                return Uni.createFrom().<Decision>nullItem();
            }
            PolicyEvaluator.Request asked = new PolicyEvaluator.Request(request.resourceTenant(),
                    request.inviteeTenant(), request.application(), request.inviteeEmail());
            Uni<Boolean> registered = applications.findByTenantAndApp(request.resourceTenant(), request.application())
                    .map(app -> app != null);
            Uni<Optional<PolicyEvaluator.VersionedSettings>> inbound =
                    versioned(request.resourceTenant(), request.inviteeTenant());
            Uni<Optional<PolicyEvaluator.VersionedSettings>> outbound =
                    versioned(request.inviteeTenant(), request.resourceTenant());
            // one session allows one operation at a time: read sequentially
            return registered.chain(reg -> inbound.chain(in -> outbound.map(out ->
                            PolicyEvaluator.evaluate(asked, reg, in, out))))
                    .chain(evaluation -> store(request, evaluation));
        });
    }

    private Uni<Optional<PolicyEvaluator.VersionedSettings>> versioned(String tenant, String partner) {
        return configurations.findByTenantAndPartner(tenant, partner).map((PartnerConfiguration config) ->
                Optional.ofNullable(config).map(c -> new PolicyEvaluator.VersionedSettings(settings.settingsOf(c),
                        c.version)));
    }

    private Uni<Decision> store(InvitationRequested request, PolicyEvaluator.Evaluation evaluation) {
        Decision decision = new Decision();
        decision.id = UUID.randomUUID();
        decision.invitationId = request.invitationId();
        decision.resourceTenant = request.resourceTenant();
        decision.homeTenant = request.inviteeTenant();
        decision.application = request.application();
        decision.inviteeEmail = request.inviteeEmail();
        decision.outcome = evaluation.outcome();
        decision.evaluation = Map.of("reasons", evaluation.reasons(),
                "policyVersions", new TreeMap<>(evaluation.policyVersions()));
        decision.decidedAt = now();
        LOG.infof("invitation %s: %s (%s)", request.invitationId(), evaluation.outcome(),
                String.join("; ", evaluation.reasons()));
        return decisions.persist(decision)
                .call(saved -> outbox.append(AGGREGATE_TYPE, saved.invitationId.toString(), PolicyEvents.DECIDED,
                        PolicyEvents.DECISIONS_TOPIC, PolicyEvents.decided(saved), saved.decidedAt));
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
