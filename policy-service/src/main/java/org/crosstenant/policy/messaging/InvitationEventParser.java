package org.crosstenant.policy.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.crosstenant.policy.model.Identifiers;
import org.crosstenant.policy.model.IncomingEvent;
import org.crosstenant.policy.model.InvitationRequested;

import java.util.UUID;

/**
 * Reads invitation-service events (schema owned by invitation-service, docs/topics.md). Only {@code requested.v1}
 * is parsed; other types are kept only for the inbox. Anything unreadable is a {@link PoisonMessageException}.
 */
public final class InvitationEventParser {

    public static final String REQUESTED = "org.crosstenant.invitation.requested.v1";

    private final ObjectMapper mapper;

    public InvitationEventParser(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public IncomingEvent parse(String ceId, String ceType, String payload) {
        UUID id = uuid(ceId, "ce_id header");
        if (ceType == null || ceType.isBlank()) {
            throw new PoisonMessageException("ce_type header is missing");
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
            throw new PoisonMessageException("requested.v1 payload is not JSON: " + e.getOriginalMessage(), e);
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
        if (!Identifiers.isEmail(email)) {
            throw new PoisonMessageException("requested.v1 invitee.email is missing or not an email: " + email);
        }
        return new InvitationRequested(invitationId, resourceTenant, application, inviteeTenant,
                Identifiers.normaliseEmail(email));
    }

    private static String id(JsonNode node, String field) {
        String value = text(node, field);
        if (!Identifiers.isId(value)) {
            throw new PoisonMessageException("requested.v1 " + field + " is missing or malformed: " + value);
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
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new PoisonMessageException(what + " is not a UUID: " + value, e);
        }
    }
}
