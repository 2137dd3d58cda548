package org.crosstenant.policy.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.crosstenant.policy.model.Identifiers;
import org.crosstenant.policy.model.IncomingEvent;
import org.crosstenant.policy.model.InvitationRequested;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Reads invitation-service events (schema owned by invitation-service, docs/topics.md). Only {@code requested.v1}
 * is parsed; other invitation types ({@code org.crosstenant.invitation.<name>.v<n>}) are kept only for the inbox.
 * Anything unreadable, and any type that is not an invitation event, is a {@link PoisonMessageException}.
 */
public final class InvitationEventParser {

    public static final String REQUESTED = "org.crosstenant.invitation.requested.v1";
    private static final Pattern INVITATION_TYPE =
            Pattern.compile("org\\.crosstenant\\.invitation\\.[a-z][a-z-]{0,63}\\.v[0-9]{1,4}");

    private final ObjectMapper mapper;

    public InvitationEventParser(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * @param ceId    {@code ce_id} (a UUID)
     * @param ceType  {@code ce_type}
     * @param payload the record's value (JSON)
     * @return the event; {@code requested()} is set for {@code requested.v1} only
     * @throws PoisonMessageException when id, type or (for requested.v1) payload is not acceptable
     */
    public IncomingEvent parse(String ceId, String ceType, String payload) {
        UUID id = uuid(ceId, "ce_id header");
        if (ceType == null || ceType.isBlank()) {
            throw new PoisonMessageException("ce_type header is missing");
        }
        if (!INVITATION_TYPE.matcher(ceType).matches()) {
            throw new PoisonMessageException("unknown event type " + Echo.of(ceType) + " on invitations.events");
        }
        if (payload == null) {
            throw new PoisonMessageException(ceType + " without a payload (null value)");
        }
        return new IncomingEvent(id, ceType, REQUESTED.equals(ceType) ? parseRequested(payload) : null);
    }

    public InvitationRequested parseRequested(String payload) {
        if (payload == null) {
            throw new PoisonMessageException("requested.v1 without a payload");
        }
        JsonNode root;
        try {
            root = mapper.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new PoisonMessageException("requested.v1 payload is not JSON: " + Echo.of(e.getOriginalMessage()), e);
        }
        if (root == null || !root.isObject()) {
            throw new PoisonMessageException("requested.v1 payload is not a JSON object");
        }
        UUID invitationId = uuid(text(root, "invitationId"), "invitationId");
        String resourceTenant = id(root, "resourceTenant");
        String application = id(root, "application");
        JsonNode invitee = root.get("invitee");
        if (invitee == null || !invitee.isObject()) {
            throw new PoisonMessageException("requested.v1 has no invitee object");
        }
        String inviteeTenant = id(invitee, "tenant");
        String email = text(invitee, "email");
        if (email == null) {
            throw new PoisonMessageException("requested.v1 invitee.email is missing");
        }
        // the limits of what is stored (decisions.invitee_email) and published (decided.v1), on the canonical form
        String canonical = Identifiers.canonicalEmail(email);
        Identifiers.Refusal refusal = Identifiers.emailViolation(canonical);
        if (refusal != null) {
            throw new PoisonMessageException("requested.v1 invitee.email " + Echo.of(email) + " " + refusal.reason());
        }
        JsonNode requestedBy = root.get("requestedBy");
        boolean byResourceAdmin = requestedBy != null && requestedBy.isObject()
                && resourceTenant.equals(text(requestedBy, "tenant"));
        return new InvitationRequested(invitationId, resourceTenant, application, inviteeTenant, canonical,
                byResourceAdmin);
    }

    private static String id(JsonNode node, String field) {
        String value = text(node, field);
        if (!Identifiers.isId(value)) {
            throw new PoisonMessageException("requested.v1 " + field + " is missing or malformed: " + Echo.of(value));
        }
        return value;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    private static UUID uuid(String value, String what) {
        if (value == null) {
            throw new PoisonMessageException(what + " is missing");
        }
        if (!Echo.isCanonicalUuid(value)) {
            // UUID.fromString also reads "1-1-1-1-1": two different ce_id texts must not name one inbox row
            throw new PoisonMessageException(what + " is not a UUID in the canonical 36-character form: "
                    + Echo.of(value));
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new PoisonMessageException(what + " is not a UUID: " + Echo.of(value), e);
        }
    }
}
