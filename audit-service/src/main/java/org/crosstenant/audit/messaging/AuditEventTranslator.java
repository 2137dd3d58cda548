package org.crosstenant.audit.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.crosstenant.audit.model.AuditDraft;
import org.crosstenant.platform.model.MalformedJsonException;

/**
 * Turns the producers' events (schemas in docs/topics.md, owned by the producers) into audit drafts.
 * It decides which tenants a record concerns: both sides of an invitation, decision, withdrawal or access; only the owner of
 * an access setting or application (a tenant's own settings are not shown to its partner's security team).
 */
@ApplicationScoped
public class AuditEventTranslator {

    public static final String INVITATION_PREFIX = "org.crosstenant.invitation.";
    public static final String DECIDED = "org.crosstenant.policy.decided.v1";
    /** Issue #8: a settings change ended a live invitation (continuous access evaluation). */
    public static final String ACCESS_WITHDRAWN = "org.crosstenant.policy.access-withdrawn.v1";
    public static final String SETTINGS_CHANGED = "org.crosstenant.policy.access-settings-changed.v1";
    /** The complete settings model (issue #7): a tenant's default or one partner configuration, or its deletion. */
    public static final String SETTINGS_CHANGED_V2 = "org.crosstenant.policy.access-settings-changed.v2";
    public static final String APPLICATION_REGISTERED = "org.crosstenant.policy.application-registered.v1";
    /** Issue #8: a resource tenant removed a shared application (its invitations end by access-withdrawn.v1). */
    public static final String APPLICATION_REMOVED = "org.crosstenant.policy.application-removed.v1";
    public static final String ACCESS_ALLOWED = "org.crosstenant.gateway.access-allowed.v1";
    public static final String ACCESS_DENIED = "org.crosstenant.gateway.access-denied.v1";
    /**
     * Most UTF-8 bytes of an event payload. The record republished to {@code audit.records} carries the payload as its
     * {@code details} plus about 2 KB, so it stays below Kafka's 1 MB default record size; the largest valid event
     * (a maximal access-settings-changed, docs/api.md "Limits") is about 330 KB.
     */
    public static final int MAX_PAYLOAD_BYTES = 512 * 1024;
    /**
     * Most characters of each field stored in a column or the actor: tenants, partner, application, invitation id,
     * subject, email, outcome, session, times (producers send at most 63 for ids, 255 for subjects, 254 bytes for
     * emails).
     */
    public static final int MAX_FIELD_CHARS = 320;

    private final ObjectMapper mapper;
    private final Map<String, Function<JsonNode, AuditDraft>> translations;

    public AuditEventTranslator(ObjectMapper mapper) {
        this.mapper = mapper;
        this.translations = Map.ofEntries(
                Map.entry(INVITATION_PREFIX + "requested.v1", p -> invitation(p, "invitation.requested", "requestedBy")),
                Map.entry(INVITATION_PREFIX + "approved.v1", p -> invitation(p, "invitation.approved", "approvedBy")),
                Map.entry(INVITATION_PREFIX + "approval-requested.v1",
                        p -> invitation(p, "invitation.approval-requested", null)),
                Map.entry(INVITATION_PREFIX + "declined.v1", p -> invitation(p, "invitation.declined", "declinedBy")),
                Map.entry(INVITATION_PREFIX + "denied.v1", p -> ending(p, "invitation.denied", null)),
                Map.entry(INVITATION_PREFIX + "redeemed.v1", p -> invitation(p, "invitation.redeemed", "guest")),
                Map.entry(INVITATION_PREFIX + "revoked.v1", p -> ending(p, "invitation.revoked", "revokedBy")),
                Map.entry(INVITATION_PREFIX + "expired.v1", p -> invitation(p, "invitation.expired", null)),
                Map.entry(DECIDED, this::decided),
                Map.entry(ACCESS_WITHDRAWN, this::accessWithdrawn),
                Map.entry(SETTINGS_CHANGED, this::settingsChanged),
                Map.entry(SETTINGS_CHANGED_V2, this::settingsChangedV2),
                Map.entry(APPLICATION_REGISTERED, p -> application(p, "policy.application-registered", "registeredBy")),
                Map.entry(APPLICATION_REMOVED, p -> application(p, "policy.application-removed", "removedBy")),
                Map.entry(ACCESS_ALLOWED, this::accessAllowed),
                Map.entry(ACCESS_DENIED, this::accessDenied));
    }

    /** The event types this service audits. */
    public boolean knows(String type) {
        return translations.containsKey(type);
    }

    /** Every event type this service audits (what {@link #knows} accepts). */
    public Set<String> types() {
        return translations.keySet();
    }

    /**
     * Translates one event. The payload is read with the application's strict mapper (platform {@code StrictJsonInput}):
     * duplicate members, NUL or unpaired UTF-16 surrogates in any string or member name, nesting deeper than 32,
     * numbers over 100 digits and trailing content make it poison, like any other malformed payload.
     *
     * @param type the CloudEvent type
     * @param payload the event's JSON payload
     * @return the draft to append
     * @throws PoisonEventException for an unknown type, a payload that does not follow the producer's schema, a
     *         payload over {@value #MAX_PAYLOAD_BYTES} bytes, hostile JSON text or a stored field over
     *         {@value #MAX_FIELD_CHARS} characters
     */
    public AuditDraft translate(String type, String payload) {
        Function<JsonNode, AuditDraft> translation = type == null ? null : translations.get(type);
        if (translation == null) {
            throw new PoisonEventException("unknown event type " + Echo.of(type));
        }
        if (payload == null || payload.isBlank()) {
            throw new PoisonEventException("empty payload for " + type);
        }
        int bytes = payload.length() <= MAX_PAYLOAD_BYTES / 3 ? 0 : payload.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_PAYLOAD_BYTES) {
            throw new PoisonEventException("payload of " + type + " is " + bytes + " bytes; the limit is "
                    + MAX_PAYLOAD_BYTES);
        }
        JsonNode json;
        try {
            json = mapper.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new PoisonEventException("payload of " + type + " is not JSON: " + MalformedJsonException.describe(e),
                    e);
        }
        if (json == null || !json.isObject()) {
            throw new PoisonEventException("payload of " + type + " is not a JSON object");
        }
        // numbers as jsonb gives them back: every field, the details and so the hash chain are built from this tree
        json = sanitise(json);
        try {
            return translation.apply(json);
        } catch (PoisonEventException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new PoisonEventException("payload of " + type + " cannot be audited: " + Echo.of(e.toString()), e);
        }
    }

    /**
     * An invitation event: the invitee's tenant is {@code invitee.tenant}, or {@code homeTenant} where the event
     * carries that instead (declined.v1); the actor is the party named by {@code actorField}, when present.
     */
    private AuditDraft invitation(JsonNode p, String action, String actorField) {
        String resourceTenant = text(p, "resourceTenant", true);
        String homeTenant = p.hasNonNull("invitee") || !p.hasNonNull("homeTenant")
                ? text(object(p, "invitee", true), "tenant", true) : text(p, "homeTenant", true);
        JsonNode actor = actorField == null ? null : party(p.get(actorField));
        return new AuditDraft(tenants(resourceTenant, homeTenant), action, null, actor, resourceTenant, homeTenant,
                text(p, "application", true), text(p, "invitationId", true), instant(p, "occurredAt"), p);
    }

    /** The statuses a live invitation has: what a settings change can end (docs/topics.md, issue #8). */
    private static final Set<String> LIVE_STATUSES = Set.of("requested", "pending_approval",
            "pending_acceptance", "accepted");

    /**
     * revoked.v1 and denied.v1: an invitation event whose optional issue #8 members, when present, have their
     * contract's form: {@code reason} and {@code cause} non-empty strings (at most {@value #MAX_FIELD_CHARS}
     * characters), {@code reasons} an array of strings, {@code withdrawalId} a UUID, {@code previousStatus} a live
     * status; anything else makes the event poison. The record keeps them in its details (both tenants read these
     * events: {@code reasons} are the shared ones).
     */
    private AuditDraft ending(JsonNode p, String action, String actorField) {
        nonEmpty(p, "reason");
        nonEmpty(p, "cause");
        reasonList(p, "reasons");
        uuidText(p, "withdrawalId", false);
        status(p, false);
        return invitation(p, action, actorField);
    }

    /**
     * access-withdrawn.v1 (issue #8): action {@code policy.access-withdrawn}, concerning both tenants; like a
     * decision's record it keeps only the reasons either tenant may read ({@code sharedReasons}) and drops the
     * resource tenant's ({@code reasons}), the home tenant's ({@code homeReasons}) and {@code policyVersions}.
     * Required: the tenants, {@code invitationId}, {@code withdrawalId} (a UUID), {@code cause},
     * {@code changedTenant} (one of the two tenants), {@code previousStatus} (a live status), {@code occurredAt};
     * the reason lists, when present, arrays of strings.
     */
    private AuditDraft accessWithdrawn(JsonNode p) {
        String resourceTenant = text(p, "resourceTenant", true);
        String homeTenant = text(p, "homeTenant", true);
        uuidText(p, "withdrawalId", true);
        text(p, "cause", true);
        String changedTenant = text(p, "changedTenant", true);
        if (!changedTenant.equals(resourceTenant) && !changedTenant.equals(homeTenant)) {
            throw new PoisonEventException("changedTenant " + Echo.of(changedTenant)
                    + " is neither the resourceTenant nor the homeTenant");
        }
        status(p, true);
        reasonList(p, "reasons");
        reasonList(p, "sharedReasons");
        reasonList(p, "homeReasons");
        ObjectNode details = ((ObjectNode) p).deepCopy();
        details.remove("reasons");
        details.remove("homeReasons");
        details.remove("policyVersions");
        return new AuditDraft(tenants(resourceTenant, homeTenant), "policy.access-withdrawn", null, null,
                resourceTenant, homeTenant, text(p, "application", false), text(p, "invitationId", true),
                instant(p, "occurredAt"), details);
    }

    /** An optional string member that, when present, is not empty (and within the stored field limit). */
    private static void nonEmpty(JsonNode p, String field) {
        String value = text(p, field, false);
        if (value != null && value.isBlank()) {
            throw new PoisonEventException(field + " must be a non-empty string");
        }
    }

    /** An optional array of strings: absent, null, or an array whose every element is a string. */
    private static void reasonList(JsonNode p, String field) {
        JsonNode node = p.get(field);
        if (node == null || node.isNull()) {
            return;
        }
        if (!node.isArray()) {
            throw new PoisonEventException(field + " must be an array of strings");
        }
        for (JsonNode element : node) {
            if (!element.isTextual()) {
                throw new PoisonEventException(field + " must be an array of strings, has " + Echo.of(element.toString()));
            }
        }
    }

    /** A UUID in the canonical 36-character form, as every producer writes its ids. */
    private static void uuidText(JsonNode p, String field, boolean required) {
        String value = text(p, field, required);
        if (value != null && !Echo.isCanonicalUuid(value)) {
            throw new PoisonEventException(field + " is not a UUID: " + Echo.of(value));
        }
    }

    /** {@code previousStatus}: one of the live statuses. */
    private static void status(JsonNode p, boolean required) {
        String value = text(p, "previousStatus", required);
        if (value != null && !LIVE_STATUSES.contains(value)) {
            throw new PoisonEventException("previousStatus must be one of requested, pending_approval, "
                    + "pending_acceptance, accepted, was " + Echo.of(value));
        }
    }

    private AuditDraft decided(JsonNode p) {
        String resourceTenant = text(p, "resourceTenant", true);
        String homeTenant = text(p, "homeTenant", true);
        String outcome = text(p, "outcome", true);
        if (!outcome.equals("allow") && !outcome.equals("deny")) {
            throw new PoisonEventException("decision outcome must be allow or deny, was " + Echo.of(outcome));
        }
        bool(p, "approvalRequired");
        // both tenants read this record: the resource tenant's deciding rule (reasons) stays out of it, the reasons
        // either tenant may read (sharedReasons: of each side only that it blocked or admitted) stay in (issue #7)
        // nor does policyVersions: whether (and how often) a tenant configured its partner is its own business
        ObjectNode details = ((ObjectNode) p).deepCopy();
        details.remove("reasons");
        details.remove("homeReasons");
        details.remove("policyVersions");
        return new AuditDraft(tenants(resourceTenant, homeTenant), "policy.decided", outcome, null, resourceTenant,
                homeTenant, text(p, "application", false), text(p, "invitationId", true), instant(p, "occurredAt"),
                details);
    }

    private AuditDraft settingsChanged(JsonNode p) {
        String tenant = text(p, "tenant", true);
        text(p, "partner", true);
        // only the owner: its partner's security team must not read its settings
        return new AuditDraft(List.of(tenant), "policy.access-settings-changed", null, party(p.get("changedBy")),
                null, null, null, null, instant(p, "occurredAt"), p);
    }

    /**
     * access-settings-changed.v2 (docs/topics.md): action {@code access-settings.changed}, concerning the owner only;
     * the resource tenant is the owner, the home tenant the partner ({@code null} for the default configuration); the
     * details are the event plus {@code "scope": "default"|"partner"}. A {@code deleted} event is recorded the same way.
     */
    private AuditDraft settingsChangedV2(JsonNode p) {
        String tenant = text(p, "tenant", true);
        String partner = text(p, "partner", false);
        bool(p, "deleted");
        ObjectNode details = ((ObjectNode) p).deepCopy();
        details.put("scope", partner == null ? "default" : "partner");
        return new AuditDraft(List.of(tenant), "policy.access-settings-changed", null, party(p.get("changedBy")), tenant,
                partner, null, null, instant(p, "occurredAt"), details);
    }

    /** An optional boolean member: absent or null, or a JSON boolean; anything else is poison. */
    private static void bool(JsonNode p, String field) {
        JsonNode node = p.get(field);
        if (node != null && !node.isNull() && !node.isBoolean()) {
            throw new PoisonEventException(field + " must be a boolean, was " + Echo.of(node.toString()));
        }
    }

    /**
     * An application's registration or removal (application-registered.v1, application-removed.v1): concerning the
     * owner only, the resource tenant the owner, the actor the party named by {@code actorField}, the details the
     * event. Required: {@code tenant}, {@code application}, {@code occurredAt}.
     */
    private AuditDraft application(JsonNode p, String action, String actorField) {
        String tenant = text(p, "tenant", true);
        return new AuditDraft(List.of(tenant), action, null, party(p.get(actorField)), tenant, null,
                text(p, "application", true), null, instant(p, "occurredAt"), p);
    }

    /**
     * Allowed access is aggregated by the gateway (one event per caller, application and session per window). The
     * record's details always carry {@code requestCount} (int ≥ 1, default 1), {@code firstAt} and {@code lastAt}
     * (ISO-8601, default occurredAt) and {@code session} when given (a string).
     */
    private AuditDraft accessAllowed(JsonNode p) {
        ObjectNode details = p.deepCopy();
        details.put("requestCount", count(p, "requestCount", 1, 1));
        String occurredAt = text(p, "occurredAt", true);
        details.put("firstAt", p.has("firstAt") && !p.get("firstAt").isNull() ? timeText(p, "firstAt") : occurredAt);
        details.put("lastAt", p.has("lastAt") && !p.get("lastAt").isNull() ? timeText(p, "lastAt") : occurredAt);
        text(p, "session", false);
        return access(details, "gateway.access-allowed", "allowed");
    }

    /** Denied access is rate-limited per caller: {@code suppressedCount} (int ≥ 0, default 0) says how many were not sent. */
    private AuditDraft accessDenied(JsonNode p) {
        ObjectNode details = p.deepCopy();
        details.put("suppressedCount", count(p, "suppressedCount", 0, 0));
        return access(details, "gateway.access-denied", "denied");
    }

    private static int count(JsonNode p, String field, int min, int absent) {
        JsonNode node = p.get(field);
        if (node == null || node.isNull()) {
            return absent;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < min) {
            throw new PoisonEventException(field + " must be an integer >= " + min + ", was " + Echo.of(node.toString()));
        }
        return node.intValue();
    }

    private static String timeText(JsonNode p, String field) {
        instant(p, field);
        return p.get(field).asText();
    }

    private AuditDraft access(JsonNode p, String action, String outcome) {
        String resourceTenant = text(p, "resourceTenant", true);
        String homeTenant = text(p, "homeTenant", true);
        ObjectNode actor = JsonNodeFactory.instance.objectNode();
        actor.put("tenant", homeTenant);
        actor.put("subject", text(p, "subject", false));
        actor.put("email", text(p, "email", false));
        return new AuditDraft(tenants(resourceTenant, homeTenant), action, outcome, actor, resourceTenant, homeTenant,
                text(p, "application", false), null, instant(p, "occurredAt"), p);
    }

    /**
     * The tree with every floating-point number as PostgreSQL's {@code jsonb} gives it back ({@link #asStored}); nodes
     * without one are returned as they are. The hash is computed from this tree and {@code /verify} from the stored
     * text: both must see the same values. (Text PostgreSQL cannot store — NUL, unpaired surrogates — never gets here:
     * the strict mapper refuses it.)
     */
    static JsonNode sanitise(JsonNode node) {
        if (node.isFloatingPointNumber()) {
            return asStored(node);
        }
        if (node.isArray()) {
            ArrayNode array = (ArrayNode) node;
            for (int i = 0; i < array.size(); i++) {
                array.set(i, sanitise(array.get(i)));
            }
        } else if (node.isObject()) {
            node.fields().forEachRemaining(e -> e.setValue(sanitise(e.getValue())));
        }
        return node;
    }

    /**
     * A floating-point number as {@code /verify} will read it back from {@code jsonb}: PostgreSQL stores numbers as
     * {@code numeric} and prints them in plain notation with their scale, so Jackson's {@code 1.0E20} comes back as the
     * integer {@code 100000000000000000000} and {@code -0.0} as {@code 0.0}. Hashing the number as sent would then
     * disagree with the stored record (a false tamper alarm). Infinite values (Jackson's reading of e.g. {@code 1e400})
     * are stored as the string Jackson writes for them either way, and are left alone.
     *
     * @param number a floating-point JSON number
     * @return the number parsed from its plain notation (an integer node when that has no fraction)
     */
    static JsonNode asStored(JsonNode number) {
        if (!Double.isFinite(number.doubleValue())) {
            return number;
        }
        try {
            return PLAIN_NUMBERS.readTree(new java.math.BigDecimal(number.asText()).toPlainString());
        } catch (NumberFormatException | JsonProcessingException e) {
            return number;
        }
    }

    /** Parses the plain notation of a number the way the stored text is parsed back (Jackson's defaults). */
    private static final ObjectMapper PLAIN_NUMBERS = new ObjectMapper();

    /** A party as the producers write it, reduced to who it is (tenant, subject, email). */
    private static JsonNode party(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new PoisonEventException("a party must be a JSON object");
        }
        ObjectNode party = JsonNodeFactory.instance.objectNode();
        party.put("tenant", text(node, "tenant", true));
        party.put("subject", text(node, "subject", false));
        party.put("email", text(node, "email", false));
        return party;
    }

    private static List<String> tenants(String resourceTenant, String homeTenant) {
        List<String> tenants = new ArrayList<>(2);
        tenants.add(resourceTenant);
        if (!homeTenant.equals(resourceTenant)) {
            tenants.add(homeTenant);
        }
        return List.copyOf(tenants);
    }

    private static JsonNode object(JsonNode p, String field, boolean required) {
        JsonNode node = p.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw new PoisonEventException("missing " + field);
            }
            return null;
        }
        if (!node.isObject()) {
            throw new PoisonEventException(field + " must be a JSON object");
        }
        return node;
    }

    private static String text(JsonNode p, String field, boolean required) {
        JsonNode node = p.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw new PoisonEventException("missing " + field);
            }
            return null;
        }
        if (!node.isTextual() || (required && node.asText().isBlank())) {
            throw new PoisonEventException(field + " must be a non-empty string");
        }
        if (node.asText().length() > MAX_FIELD_CHARS) {
            throw new PoisonEventException(field + " is " + node.asText().length() + " characters; the limit is "
                    + MAX_FIELD_CHARS + ": " + Echo.of(node.asText()));
        }
        return node.asText();
    }

    /** Times PostgreSQL's timestamptz can store and Instant.toString() writes in the canonical form: years 1-9999. */
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    private static Instant instant(JsonNode p, String field) {
        String value = text(p, field, true);
        Instant instant;
        try {
            instant = Instant.parse(value);
        } catch (DateTimeParseException notZulu) {
            try {
                instant = OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException e) {
                throw new PoisonEventException(field + " is not an ISO-8601 time: " + Echo.of(value), e);
            }
        }
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw new PoisonEventException(field + " is out of range: " + Echo.of(value));
        }
        return instant;
    }
}
