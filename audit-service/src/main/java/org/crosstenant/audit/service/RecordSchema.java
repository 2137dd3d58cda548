package org.crosstenant.audit.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import org.crosstenant.audit.model.AuditTarget;
import org.crosstenant.audit.model.InitiatedBy;

/**
 * The record schema of issue #9 (item 7), modelled on Entra's directory audit and sign-in logs: activity, category,
 * initiatedBy, targets, result, resultReason, correlationId, crossTenantAccessType. Nothing of it is stored: every
 * field is a pure function of the stored fields that the canonical record bytes (and so the Merkle leaf hash) cover,
 * so the leaf hashes of existing records do not change and an offline verifier recomputes the same values. The table
 * in docs/audit.md ("Record schema") documents each derivation; keep both in step.
 */
public final class RecordSchema {

    /** Entra's audit categories, and {@code SignInLogs} for the gateway's sign-in-like access records. */
    public static final String USER_MANAGEMENT = "UserManagement";
    public static final String POLICY = "Policy";
    public static final String CROSS_TENANT_ACCESS_SETTINGS = "CrossTenantAccessSettings";
    public static final String APPLICATION_MANAGEMENT = "ApplicationManagement";
    public static final String SIGN_IN_LOGS = "SignInLogs";
    /** The category of an action this class does not know (a newer writer); its activity is the action itself. */
    public static final String OTHER = "Other";

    /** Entra's operation results. */
    public static final String SUCCESS = "success";
    public static final String FAILURE = "failure";
    public static final String TIMEOUT = "timeout";
    public static final String UNKNOWN = "unknown";

    /** Entra's crossTenantAccessType values used here. */
    public static final String NONE = "none";
    public static final String B2B_COLLABORATION = "b2bCollaboration";
    public static final String B2B_DIRECT_CONNECT = "b2bDirectConnect";

    private static final String SETTINGS_CHANGED = "policy.access-settings-changed";

    /** Activity and category of every action AuditEventTranslator produces. */
    private static final Map<String, Kind> ACTIONS = Map.ofEntries(
            Map.entry("invitation.requested", new Kind("Invite external user", USER_MANAGEMENT)),
            Map.entry("invitation.approval-requested",
                    new Kind("Request approval of external user invitation", USER_MANAGEMENT)),
            Map.entry("invitation.approved", new Kind("Approve external user invitation", USER_MANAGEMENT)),
            Map.entry("invitation.declined", new Kind("Decline external user invitation", USER_MANAGEMENT)),
            Map.entry("invitation.denied", new Kind("Deny external user invitation", USER_MANAGEMENT)),
            Map.entry("invitation.redeemed", new Kind("Redeem external user invite", USER_MANAGEMENT)),
            Map.entry("invitation.revoked", new Kind("Revoke external user access", USER_MANAGEMENT)),
            Map.entry("invitation.expired", new Kind("Expire external user invitation", USER_MANAGEMENT)),
            Map.entry("policy.decided", new Kind("Evaluate cross-tenant access policy", POLICY)),
            Map.entry("policy.access-withdrawn", new Kind("Withdraw cross-tenant access", POLICY)),
            Map.entry(SETTINGS_CHANGED, new Kind("Update a partner cross-tenant access setting",
                    CROSS_TENANT_ACCESS_SETTINGS)),
            Map.entry("policy.application-registered", new Kind("Add application", APPLICATION_MANAGEMENT)),
            Map.entry("policy.application-removed", new Kind("Delete application", APPLICATION_MANAGEMENT)),
            Map.entry("gateway.access-allowed", new Kind("Sign-in", SIGN_IN_LOGS)),
            Map.entry("gateway.access-denied", new Kind("Sign-in", SIGN_IN_LOGS)));

    private record Kind(String activity, String category) {
    }

    /**
     * The derived fields of one record.
     *
     * @param activity Entra-style activity name, e.g. {@code "Invite external user"}
     * @param category {@link #USER_MANAGEMENT}, {@link #POLICY}, {@link #CROSS_TENANT_ACCESS_SETTINGS},
     *        {@link #APPLICATION_MANAGEMENT}, {@link #SIGN_IN_LOGS} or {@link #OTHER}
     * @param initiatedBy who started the step, never null (its members may be)
     * @param targets what it acted on, in the order Invitation, User, Application, CrossTenantAccessSettings
     * @param result {@link #SUCCESS}, {@link #FAILURE}, {@link #TIMEOUT} or {@link #UNKNOWN}
     * @param resultReason why, from the details; null when the event says nothing
     * @param correlationId what ties the records of one flow together: the invitation id, else the access session
     * @param crossTenantAccessType {@link #NONE}, {@link #B2B_COLLABORATION} or {@link #B2B_DIRECT_CONNECT}
     */
    public record Derived(String activity, String category, InitiatedBy initiatedBy, List<AuditTarget> targets,
            String result, String resultReason, String correlationId, String crossTenantAccessType) {
    }

    private RecordSchema() {
    }

    /** The actions this schema defines an activity and a category for (every action the translator produces). */
    public static Set<String> actions() {
        return ACTIONS.keySet();
    }

    /**
     * Derives the schema fields from a record's stored fields. Pure and total: it never throws for a record the log
     * holds; an action it does not know gets category {@link #OTHER}, its action as activity and a result from its
     * outcome alone.
     *
     * @param action the stored action, e.g. {@code policy.decided}
     * @param outcome the stored outcome ({@code allow}, {@code deny}, {@code allowed}, {@code denied}) or null
     * @param actor the stored actor ({@code tenant}, {@code subject}, {@code email}) or null
     * @param resourceTenant the stored resource tenant or null
     * @param homeTenant the stored home tenant or null
     * @param application the stored application or null
     * @param invitationId the stored invitation id or null
     * @param sourceType the CloudEvent type the record was made from
     * @param details the stored details object (never null for a stored record; null is read as empty)
     * @return the derived fields
     */
    public static Derived derive(String action, String outcome, JsonNode actor, String resourceTenant, String homeTenant,
            String application, String invitationId, String sourceType, JsonNode details) {
        JsonNode d = details == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : details;
        Kind kind = ACTIONS.getOrDefault(action, new Kind(action, OTHER));
        return new Derived(activity(action, kind, d), kind.category(), initiatedBy(action, actor, sourceType, d),
                targets(action, resourceTenant, homeTenant, application, invitationId, d), result(action, outcome),
                resultReason(action, d), correlationId(invitationId, d),
                crossTenantAccessType(kind.category(), resourceTenant, homeTenant, d));
    }

    private static String activity(String action, Kind kind, JsonNode d) {
        if (!SETTINGS_CHANGED.equals(action)) {
            return kind.activity();
        }
        if (d.path("deleted").asBoolean(false)) {
            return "Delete a partner cross-tenant access setting";
        }
        // v2 without a partner is the tenant's default; v1 always names a partner
        return d.hasNonNull("partner") ? kind.activity() : "Update the company default cross-tenant access setting";
    }

    private static InitiatedBy initiatedBy(String action, JsonNode actor, String sourceType, JsonNode d) {
        String app = producer(sourceType);
        if (actor != null && actor.isObject()) {
            return new InitiatedBy(text(actor, "tenant"), text(actor, "subject"), app);
        }
        if ("policy.access-withdrawn".equals(action)) {
            return new InitiatedBy(text(d, "changedTenant"), null, app); // whose settings change it was
        }
        return new InitiatedBy(null, null, app);
    }

    /** The component named by the CloudEvent type's prefix. */
    private static String producer(String sourceType) {
        if (sourceType == null) {
            return null;
        }
        if (sourceType.startsWith("org.crosstenant.invitation.")) {
            return "invitation-service";
        }
        if (sourceType.startsWith("org.crosstenant.policy.")) {
            return "policy-service";
        }
        if (sourceType.startsWith("org.crosstenant.gateway.")) {
            return "gateway";
        }
        return null;
    }

    private static List<AuditTarget> targets(String action, String resourceTenant, String homeTenant,
            String application, String invitationId, JsonNode d) {
        List<AuditTarget> targets = new ArrayList<>(3);
        if (invitationId != null) {
            targets.add(new AuditTarget("Invitation", invitationId, resourceTenant));
        }
        AuditTarget user = user(action, homeTenant, d);
        if (user != null) {
            targets.add(user);
        }
        if (application != null) {
            targets.add(new AuditTarget("Application", application, resourceTenant));
        }
        if (SETTINGS_CHANGED.equals(action) && d.hasNonNull("tenant")) {
            String owner = text(d, "tenant");
            String partner = text(d, "partner");
            targets.add(new AuditTarget("CrossTenantAccessSettings",
                    partner == null ? owner + "/default" : owner + "/partners/" + partner, owner));
        }
        return List.copyOf(targets);
    }

    /** The invited or guest user: the guest once there is one, else the invitee, else the decision's invitee email. */
    private static AuditTarget user(String action, String homeTenant, JsonNode d) {
        if (action == null || action.startsWith("gateway.")) {
            return null; // the user signing in is the initiator, not a target
        }
        for (String field : List.of("guest", "invitee")) {
            JsonNode party = d.path(field);
            if (party.isObject()) {
                String id = text(party, "email") != null ? text(party, "email") : text(party, "subject");
                String tenant = text(party, "tenant") != null ? text(party, "tenant") : homeTenant;
                if (id != null || tenant != null) {
                    return new AuditTarget("User", id, tenant);
                }
            }
        }
        return d.hasNonNull("inviteeEmail") ? new AuditTarget("User", text(d, "inviteeEmail"), homeTenant) : null;
    }

    private static String result(String action, String outcome) {
        if ("deny".equals(outcome) || "denied".equals(outcome) || "invitation.denied".equals(action)) {
            return FAILURE;
        }
        if ("invitation.expired".equals(action)) {
            return TIMEOUT;
        }
        if ("allow".equals(outcome) || "allowed".equals(outcome) || ACTIONS.containsKey(action)) {
            return SUCCESS; // the audited step happened
        }
        return UNKNOWN;
    }

    /**
     * The first of: the reason list ({@code reasons}, then {@code sharedReasons}) joined with {@code "; "}, the
     * {@code reason} text, the {@code cause} text, and for an expiry {@code "expired while <previousStatus>"}.
     */
    private static String resultReason(String action, JsonNode d) {
        for (String list : List.of("reasons", "sharedReasons")) {
            JsonNode reasons = d.path(list);
            if (reasons.isArray() && !reasons.isEmpty()) {
                List<String> texts = new ArrayList<>(reasons.size());
                reasons.forEach(r -> texts.add(r.asText()));
                return String.join("; ", texts);
            }
        }
        if (text(d, "reason") != null) {
            return text(d, "reason");
        }
        if (text(d, "cause") != null) {
            return text(d, "cause");
        }
        return "invitation.expired".equals(action) && text(d, "previousStatus") != null
                ? "expired while " + text(d, "previousStatus") : null;
    }

    private static String correlationId(String invitationId, JsonNode d) {
        return invitationId != null ? invitationId : text(d, "session");
    }

    private static String crossTenantAccessType(String category, String resourceTenant, String homeTenant,
            JsonNode d) {
        if (resourceTenant == null || homeTenant == null || resourceTenant.equals(homeTenant)) {
            return NONE;
        }
        return switch (category) {
            case SIGN_IN_LOGS -> d.path("guest").asBoolean(true) ? B2B_COLLABORATION : B2B_DIRECT_CONNECT;
            case USER_MANAGEMENT, POLICY -> B2B_COLLABORATION;
            default -> NONE; // a tenant's own settings or applications
        };
    }

    /** A string member, or null when it is absent, null or not a string. */
    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? value.asText() : null;
    }
}
