package org.crosstenant.policy.service;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.crosstenant.policy.model.Application;
import org.crosstenant.policy.model.Decision;
import org.crosstenant.policy.model.Party;
import org.crosstenant.policy.model.PartnerConfiguration;

/**
 * Payloads of the events this service publishes (docs/topics.md). Their examples live in
 * src/main/resources/events/<type>.json and a test keeps both in step.
 */
public final class PolicyEvents {

    public static final String POLICY_EVENTS_TOPIC = "policy.events";
    public static final String DECISIONS_TOPIC = "policy.decisions";

    public static final String APPLICATION_REGISTERED = "org.crosstenant.policy.application-registered.v1";
    public static final String ACCESS_SETTINGS_CHANGED = "org.crosstenant.policy.access-settings-changed.v1";
    public static final String DECIDED = "org.crosstenant.policy.decided.v1";

    /** Aggregate type of an application registration (outbox {@code aggregate_type}). */
    public static final String APPLICATION_AGGREGATE = "application";
    /** Aggregate type of a partner configuration (outbox {@code aggregate_type}). */
    public static final String PARTNER_CONFIGURATION_AGGREGATE = "partner-configuration";

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
     * The Kafka key (and {@code ce_subject}) of a partner configuration's events on {@code policy.events}:
     * {@code <tenant>/partners/<partner>} (see {@link #applicationKey}).
     *
     * @param tenant  the configuring tenant id
     * @param partner the partner tenant id
     */
    public static String partnerConfigurationKey(String tenant, String partner) {
        return tenant + "/partners/" + partner;
    }

    public static JsonObject applicationRegistered(Application app, Party by) {
        return new JsonObject()
                .put("tenant", app.tenant)
                .put("application", app.appId)
                .put("upstreamUrl", app.upstreamUrl)
                .put("version", app.version)
                .put("registeredBy", party(by))
                .put("occurredAt", app.updatedAt.toString());
    }

    public static JsonObject accessSettingsChanged(PartnerConfiguration config, Party by) {
        return new JsonObject()
                .put("tenant", config.tenant)
                .put("partner", config.partner)
                .put("version", config.version)
                .put("settings", new JsonObject(config.settings))
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
                .put("reasons", new JsonObject(decision.evaluation).getJsonArray("reasons", new JsonArray()))
                .put("policyVersions", new JsonObject(decision.evaluation).getJsonObject("policyVersions", new JsonObject()))
                .put("occurredAt", decision.decidedAt.toString());
    }

    private static JsonObject party(Party party) {
        return new JsonObject()
                .put("tenant", party.tenant())
                .put("subject", party.subject())
                .put("email", party.email());
    }
}
