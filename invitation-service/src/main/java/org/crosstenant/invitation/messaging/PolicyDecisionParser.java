package org.crosstenant.invitation.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.invitation.model.Identifiers;
import org.crosstenant.invitation.model.InvitationStatus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads the payloads of {@code policy.decisions} (decided.v1 and access-withdrawn.v1, docs/topics.md) as a tolerant
 * reader: unknown fields are ignored (the producer may add some), the fields this service acts on must be present
 * and well-formed, and what it stores within its limits (at most {@value #MAX_REASONS} reasons of at most
 * {@value #MAX_REASON_CHARS} characters, no control characters), otherwise the message is poison.
 */
@ApplicationScoped
public class PolicyDecisionParser {

    public static final String TYPE = "org.crosstenant.policy.decided.v1";
    /** Issue #8: a settings change ends a live invitation. */
    public static final String WITHDRAWN_TYPE = "org.crosstenant.policy.access-withdrawn.v1";
    /** Most reasons one decision (or withdrawal) may carry in each of its reason lists. */
    public static final int MAX_REASONS = 32;
    /** Most characters of one reason. */
    public static final int MAX_REASON_CHARS = 1024;

    private static final String DECIDED = "decided.v1";
    private static final String WITHDRAWN = "access-withdrawn.v1";
    /** The statuses a live invitation can have: the only ones a withdrawal can come from. */
    private static final Set<InvitationStatus> LIVE = Set.of(InvitationStatus.REQUESTED,
            InvitationStatus.PENDING_APPROVAL, InvitationStatus.PENDING_ACCEPTANCE, InvitationStatus.ACCEPTED);

    private final ObjectMapper json;

    public PolicyDecisionParser(ObjectMapper json) {
        this.json = json;
    }

    /**
     * Reads a decided.v1 payload.
     *
     * @param payload the record's value (may be null)
     * @return the decision
     * @throws PoisonMessageException for a payload that is empty, not a JSON object, lacks {@code decisionId},
     *         {@code invitationId} (canonical UUIDs), {@code resourceTenant}, {@code homeTenant}, {@code application}
     *         or an {@code outcome} of allow/deny, has a non-boolean {@code approvalRequired}, or reason lists
     *         beyond their limits
     */
    public PolicyDecision parse(String payload) {
        JsonNode root = object(payload, DECIDED);
        String outcome = text(root, "outcome", DECIDED);
        if (!"allow".equals(outcome) && !"deny".equals(outcome)) {
            throw new PoisonMessageException("decided.v1 outcome must be allow or deny, got " + Echo.of(outcome));
        }
        List<String> reasons = strings(root, "reasons", DECIDED);
        List<String> sharedReasons = root.hasNonNull("sharedReasons") ? strings(root, "sharedReasons", DECIDED) : null;
        List<String> homeReasons = root.hasNonNull("homeReasons") ? strings(root, "homeReasons", DECIDED) : null;
        JsonNode approval = root.get("approvalRequired");
        if (approval != null && !approval.isNull() && !approval.isBoolean()) {
            throw new PoisonMessageException("decided.v1 approvalRequired must be a boolean");
        }
        return new PolicyDecision(uuid(root, "decisionId", DECIDED), uuid(root, "invitationId", DECIDED),
                text(root, "resourceTenant", DECIDED), text(root, "homeTenant", DECIDED),
                text(root, "application", DECIDED), optionalText(root, "inviteeEmail"), "allow".equals(outcome),
                reasons, sharedReasons, homeReasons, approval != null && approval.asBoolean());
    }

    /**
     * Reads an access-withdrawn.v1 payload (issue #8) as strictly as a decision: the same limits for its reason
     * lists, and the fields this service acts on present and well-formed.
     *
     * @param payload the record's value (may be null)
     * @return the withdrawal
     * @throws PoisonMessageException for a payload that is empty or not a JSON object; a missing or non-canonical
     *         {@code withdrawalId} or {@code invitationId}; a missing {@code resourceTenant}, {@code homeTenant} or
     *         {@code application}; a {@code cause} other than {@code policy-changed}; a {@code previousStatus} that
     *         is not a live status ({@code requested}, {@code pending_approval}, {@code pending_acceptance},
     *         {@code accepted}); a {@code changedTenant} that is neither the resource nor the home tenant; a missing
     *         {@code reasons} or {@code sharedReasons} array; or any reason list ({@code homeReasons} included, which
     *         may be absent) beyond its limits
     */
    public AccessWithdrawal parseWithdrawal(String payload) {
        JsonNode root = object(payload, WITHDRAWN);
        UUID withdrawalId = uuid(root, "withdrawalId", WITHDRAWN);
        UUID invitationId = uuid(root, "invitationId", WITHDRAWN);
        String resourceTenant = text(root, "resourceTenant", WITHDRAWN);
        String homeTenant = text(root, "homeTenant", WITHDRAWN);
        String application = text(root, "application", WITHDRAWN);
        String cause = text(root, "cause", WITHDRAWN);
        if (!AccessWithdrawal.POLICY_CHANGED.equals(cause)) {
            throw new PoisonMessageException("access-withdrawn.v1 cause must be " + AccessWithdrawal.POLICY_CHANGED
                    + ", got " + Echo.of(cause));
        }
        String previous = text(root, "previousStatus", WITHDRAWN);
        InvitationStatus previousStatus = LIVE.stream().filter(s -> s.wire().equals(previous)).findFirst()
                .orElseThrow(() -> new PoisonMessageException("access-withdrawn.v1 previousStatus must be one of "
                        + "requested, pending_approval, pending_acceptance, accepted, got " + Echo.of(previous)));
        String changedTenant = text(root, "changedTenant", WITHDRAWN);
        if (!changedTenant.equals(resourceTenant) && !changedTenant.equals(homeTenant)) {
            // the tenant whose change it was names the revocation (revokedBy): it must be one of the two
            throw new PoisonMessageException("access-withdrawn.v1 changedTenant " + Echo.of(changedTenant)
                    + " is neither its resourceTenant nor its homeTenant");
        }
        List<String> reasons = required(root, "reasons");
        List<String> sharedReasons = required(root, "sharedReasons");
        List<String> homeReasons = root.hasNonNull("homeReasons") ? strings(root, "homeReasons", WITHDRAWN) : null;
        return new AccessWithdrawal(withdrawalId, invitationId, resourceTenant, homeTenant, application,
                optionalText(root, "inviteeEmail"), previousStatus, cause, changedTenant, reasons, sharedReasons,
                homeReasons);
    }

    private JsonNode object(String payload, String label) {
        if (payload == null || payload.isBlank()) {
            throw new PoisonMessageException("empty " + label + " payload");
        }
        JsonNode root;
        try {
            root = json.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new PoisonMessageException(label + " payload is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new PoisonMessageException(label + " payload is not a JSON object");
        }
        return root;
    }

    private static List<String> required(JsonNode root, String field) {
        if (!root.hasNonNull(field)) {
            throw new PoisonMessageException("access-withdrawn.v1 lacks " + field);
        }
        return strings(root, field, WITHDRAWN);
    }

    /** An optional array of reason strings: stored and republished, so bounded, storable text only. */
    private static List<String> strings(JsonNode root, String field, String label) {
        List<String> reasons = new ArrayList<>();
        JsonNode r = root.get(field);
        if (r == null || r.isNull()) {
            return List.of();
        }
        if (!r.isArray()) {
            throw new PoisonMessageException(label + " " + field + " must be an array");
        }
        if (r.size() > MAX_REASONS) {
            throw new PoisonMessageException(label + " has " + r.size() + " " + field + "; the limit is "
                    + MAX_REASONS);
        }
        for (JsonNode n : r) {
            if (!n.isTextual()) {
                throw new PoisonMessageException(label + " " + field + " must be strings");
            }
            Identifiers.Refusal refusal = Identifiers.textViolation(n.asText(), MAX_REASON_CHARS);
            if (refusal != null) {
                throw new PoisonMessageException(label + " " + field + " entry " + Echo.of(n.asText()) + " "
                        + refusal.reason());
            }
            reasons.add(n.asText());
        }
        return List.copyOf(reasons);
    }

    private static String text(JsonNode root, String field, String label) {
        JsonNode n = root.get(field);
        if (n == null || !n.isTextual() || n.asText().isBlank()) {
            throw new PoisonMessageException(label + " lacks " + field);
        }
        return n.asText();
    }

    private static String optionalText(JsonNode root, String field) {
        JsonNode n = root.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    private static UUID uuid(JsonNode root, String field, String label) {
        String value = text(root, field, label);
        if (!Echo.isCanonicalUuid(value)) {
            throw new PoisonMessageException(label + " " + field
                    + " is not a UUID in the canonical 36-character form: " + Echo.of(value));
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new PoisonMessageException(label + " " + field + " is not a UUID: " + Echo.of(value));
        }
    }
}
