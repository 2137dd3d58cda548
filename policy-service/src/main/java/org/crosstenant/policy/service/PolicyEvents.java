package org.crosstenant.policy.service;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.crosstenant.policy.model.Application;
import org.crosstenant.policy.model.Decision;
import org.crosstenant.policy.model.LiveInvitation;
import org.crosstenant.policy.model.Party;
import org.crosstenant.policy.model.PartnerConfiguration;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Payloads of the events this service publishes (docs/topics.md). Their examples live in
 * src/main/resources/events/<type>.json and a test keeps both in step.
 */
public final class PolicyEvents {

    public static final String POLICY_EVENTS_TOPIC = "policy.events";
    public static final String DECISIONS_TOPIC = "policy.decisions";

    public static final String APPLICATION_REGISTERED = "org.crosstenant.policy.application-registered.v1";
    /** Issue #8: a resource tenant removed a shared application (its route goes, its invitations end). */
    public static final String APPLICATION_REMOVED = "org.crosstenant.policy.application-removed.v1";
    public static final String ACCESS_SETTINGS_CHANGED = "org.crosstenant.policy.access-settings-changed.v2";
    public static final String DECIDED = "org.crosstenant.policy.decided.v1";
    public static final String ACCESS_WITHDRAWN = "org.crosstenant.policy.access-withdrawn.v1";
    /** The {@code cause} of every access-withdrawn.v1 so far: a settings change. */
    public static final String POLICY_CHANGED = "policy-changed";

    /** Aggregate type of an application registration (outbox {@code aggregate_type}). */
    public static final String APPLICATION_AGGREGATE = "application";
    /** Aggregate type of a configuration, default or partner (outbox {@code aggregate_type}). */
    public static final String ACCESS_SETTINGS_AGGREGATE = "access-settings";

    private PolicyEvents() {
    }

    /**
     * The Kafka key (and {@code ce_subject}) of an application's events on {@code policy.events}:
     * {@code <tenant>/applications/<application>}. policy.events is compacted, so the key must name exactly one
     * aggregate whose last event carries its whole state; the {@code applications}/{@code partners} segment keeps an
     * application and a partner configuration of the same name apart. Ids cannot contain {@code /} (Identifiers).
     *
     * @param tenant      the registering tenant id
     * @param application the application id
     */
    public static String applicationKey(String tenant, String application) {
        return tenant + "/applications/" + application;
    }

    /**
     * The Kafka key (and {@code ce_subject}) of a configuration's events on {@code policy.events}:
     * {@code <tenant>/default} for the default, {@code <tenant>/partners/<partner>} for a partner configuration
     * (see {@link #applicationKey}).
     *
     * @param tenant  the configuring tenant id
     * @param partner the partner tenant id, or {@link PartnerConfiguration#DEFAULT}
     */
    public static String accessSettingsKey(String tenant, String partner) {
        return PartnerConfiguration.DEFAULT.equals(partner) ? tenant + "/default" : tenant + "/partners/" + partner;
    }

    public static JsonObject applicationRegistered(Application app, Party by) {
        return new JsonObject()
                .put("tenant", app.tenant)
                .put("application", app.appId)
                .put("upstreamUrl", app.upstreamUrl)
                .put("requireMfa", app.requireMfa)
                .put("version", app.version)
                .put("registeredBy", party(by))
                .put("occurredAt", app.updatedAt.toString());
    }

    /**
     * {@code application-removed.v1} (policy.events, key {@link #applicationKey}): the registration is deleted.
     * Being the last event of its key, it is what a compacted topic keeps, so a replaying consumer never finds the
     * route again.
     *
     * @param tenant      the resource tenant that removed it
     * @param application the application id
     * @param version     the removal's version: the removed registration's + 1, so that consumers ordering by
     *                    version (the gateway) tell it from an older or a newer registration of the same id
     * @param by          the admin who removed it
     * @param occurredAt  when (UTC, microseconds)
     * @return the payload: {@code tenant}, {@code application}, {@code version}, {@code removedBy},
     *         {@code occurredAt}
     */
    public static JsonObject applicationRemoved(String tenant, String application, long version, Party by,
                                                Instant occurredAt) {
        return new JsonObject()
                .put("tenant", tenant)
                .put("application", application)
                .put("version", version)
                .put("removedBy", party(by))
                .put("occurredAt", occurredAt.toString());
    }

    /**
     * {@code access-settings-changed.v2} of a stored configuration.
     *
     * @param partner        the partner tenant, or null for the default
     * @param version        the configuration's version
     * @param defaultVersion the version of the tenant's default it was merged with (0 when never set)
     * @param settings       the configuration as stored
     * @param effective      the complete effective configuration of (tenant, partner), or of the default
     */
    public static JsonObject accessSettingsChanged(String tenant, String partner, long version, long defaultVersion,
                                                   JsonObject settings, JsonObject effective, Party by,
                                                   Instant occurredAt) {
        return new JsonObject()
                .put("tenant", tenant)
                .put("partner", partner)
                .put("version", version)
                .put("defaultVersion", defaultVersion)
                .put("deleted", false)
                .put("settings", settings)
                .put("effective", effective)
                .put("changedBy", party(by))
                .put("occurredAt", occurredAt.toString());
    }

    /** {@code access-settings-changed.v2} of a deleted partner configuration: consumers forget the pair. */
    public static JsonObject accessSettingsDeleted(PartnerConfiguration config, long defaultVersion, Party by) {
        return new JsonObject()
                .put("tenant", config.tenant)
                .put("partner", config.partner)
                .put("version", config.version)
                .put("defaultVersion", defaultVersion)
                .put("deleted", true)
                .putNull("settings")
                .putNull("effective")
                .put("changedBy", party(by))
                .put("occurredAt", config.updatedAt.toString());
    }

    public static JsonObject decided(Decision decision) {
        return new JsonObject()
                .put("decisionId", decision.id.toString())
                .put("invitationId", decision.invitationId.toString())
                .put("resourceTenant", decision.resourceTenant)
                .put("homeTenant", decision.homeTenant)
                .put("application", decision.application)
                .put("inviteeEmail", decision.inviteeEmail)
                .put("outcome", decision.outcome)
                .put("approvalRequired", Boolean.TRUE.equals(new JsonObject(decision.evaluation)
                        .getBoolean("approvalRequired")))
                .put("reasons", new JsonObject(decision.evaluation).getJsonArray("reasons", new JsonArray()))
                .put("sharedReasons", new JsonObject(decision.evaluation).getJsonArray("sharedReasons",
                        new JsonArray()))
                .put("homeReasons", new JsonObject(decision.evaluation).getJsonArray("homeReasons",
                        new JsonArray()))
                .put("policyVersions", new JsonObject(decision.evaluation).getJsonObject("policyVersions", new JsonObject()))
                .put("occurredAt", decision.decidedAt.toString());
    }

    /**
     * {@code access-withdrawn.v1} (policy.decisions, key = invitation id): a settings change of
     * {@code changedTenant} means that a live invitation no longer passes (docs/topics.md).
     *
     * @param withdrawalId   the event's own id (invitation-service republishes it as withdrawalId or decisionId)
     * @param invitation     the invitation as the projection knows it; its status is {@code previousStatus}
     * @param changedTenant  the tenant whose settings change it was
     * @param evaluation     the failed re-evaluation: its three reason lists, worded as in decided.v1
     * @param policyVersions each side's partner-configuration version (0 when its default decided)
     */
    public static JsonObject accessWithdrawn(UUID withdrawalId, LiveInvitation invitation, String changedTenant,
                                             AccessEvaluator.Evaluation evaluation, Map<String, Long> policyVersions,
                                             Instant occurredAt) {
        return new JsonObject()
                .put("withdrawalId", withdrawalId.toString())
                .put("invitationId", invitation.invitationId().toString())
                .put("resourceTenant", invitation.resourceTenant())
                .put("homeTenant", invitation.homeTenant())
                .put("application", invitation.application())
                .put("inviteeEmail", invitation.inviteeEmail())
                .put("previousStatus", invitation.status().wire())
                .put("cause", POLICY_CHANGED)
                .put("changedTenant", changedTenant)
                .put("reasons", new JsonArray(evaluation.reasons()))
                .put("sharedReasons", new JsonArray(evaluation.sharedReasons()))
                .put("homeReasons", new JsonArray(evaluation.homeReasons()))
                .put("policyVersions", new JsonObject(new java.util.TreeMap<String, Object>(policyVersions)))
                .put("occurredAt", occurredAt.toString());
    }

    private static JsonObject party(Party party) {
        return new JsonObject()
                .put("tenant", party.tenant())
                .put("subject", party.subject())
                .put("email", party.email());
    }
}
