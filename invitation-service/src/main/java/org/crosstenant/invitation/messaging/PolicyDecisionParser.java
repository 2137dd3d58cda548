package org.crosstenant.invitation.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.invitation.model.Identifiers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads a decided.v1 payload as a tolerant reader: unknown fields are ignored (the producer may add some), the
 * fields this service acts on must be present and well-formed, and what it stores within its limits (at most
 * {@value #MAX_REASONS} reasons of at most {@value #MAX_REASON_CHARS} characters, no control characters), otherwise
 * the message is poison.
 */
@ApplicationScoped
public class PolicyDecisionParser {

    public static final String TYPE = "org.crosstenant.policy.decided.v1";
    /** Most reasons one decision may carry. */
    public static final int MAX_REASONS = 32;
    /** Most characters of one reason. */
    public static final int MAX_REASON_CHARS = 1024;

    private final ObjectMapper json;

    public PolicyDecisionParser(ObjectMapper json) {
        this.json = json;
    }

    public PolicyDecision parse(String payload) {
        if (payload == null || payload.isBlank()) {
            throw new PoisonMessageException("empty decided.v1 payload");
        }
        JsonNode root;
        try {
            root = json.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new PoisonMessageException("decided.v1 payload is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new PoisonMessageException("decided.v1 payload is not a JSON object");
        }
        String outcome = text(root, "outcome");
        if (!"allow".equals(outcome) && !"deny".equals(outcome)) {
            throw new PoisonMessageException("decided.v1 outcome must be allow or deny, got " + Echo.of(outcome));
        }
        List<String> reasons = strings(root, "reasons");
        List<String> sharedReasons = root.hasNonNull("sharedReasons") ? strings(root, "sharedReasons") : null;
        List<String> homeReasons = root.hasNonNull("homeReasons") ? strings(root, "homeReasons") : null;
        JsonNode approval = root.get("approvalRequired");
        if (approval != null && !approval.isNull() && !approval.isBoolean()) {
            throw new PoisonMessageException("decided.v1 approvalRequired must be a boolean");
        }
        return new PolicyDecision(uuid(root, "decisionId"), uuid(root, "invitationId"), text(root, "resourceTenant"),
                text(root, "homeTenant"), text(root, "application"), optionalText(root, "inviteeEmail"),
                "allow".equals(outcome), reasons, sharedReasons, homeReasons, approval != null && approval.asBoolean());
    }

    /** An optional array of reason strings: stored and republished, so bounded, storable text only. */
    private static List<String> strings(JsonNode root, String field) {
        List<String> reasons = new ArrayList<>();
        JsonNode r = root.get(field);
        if (r == null || r.isNull()) {
            return List.of();
        }
        if (!r.isArray()) {
            throw new PoisonMessageException("decided.v1 " + field + " must be an array");
        }
        if (r.size() > MAX_REASONS) {
            throw new PoisonMessageException("decided.v1 has " + r.size() + " " + field + "; the limit is "
                    + MAX_REASONS);
        }
        for (JsonNode n : r) {
            if (!n.isTextual()) {
                throw new PoisonMessageException("decided.v1 " + field + " must be strings");
            }
            Identifiers.Refusal refusal = Identifiers.textViolation(n.asText(), MAX_REASON_CHARS);
            if (refusal != null) {
                throw new PoisonMessageException("decided.v1 " + field + " entry " + Echo.of(n.asText()) + " "
                        + refusal.reason());
            }
            reasons.add(n.asText());
        }
        return List.copyOf(reasons);
    }

    private static String text(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || !n.isTextual() || n.asText().isBlank()) {
            throw new PoisonMessageException("decided.v1 lacks " + field);
        }
        return n.asText();
    }

    private static String optionalText(JsonNode root, String field) {
        JsonNode n = root.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    private static UUID uuid(JsonNode root, String field) {
        String value = text(root, field);
        if (!Echo.isCanonicalUuid(value)) {
            throw new PoisonMessageException("decided.v1 " + field + " is not a UUID in the canonical 36-character form: "
                    + Echo.of(value));
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new PoisonMessageException("decided.v1 " + field + " is not a UUID: " + Echo.of(value));
        }
    }
}
