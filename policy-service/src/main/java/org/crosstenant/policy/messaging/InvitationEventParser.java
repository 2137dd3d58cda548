package org.crosstenant.policy.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.crosstenant.policy.model.Identifiers;
import org.crosstenant.policy.model.IncomingEvent;
import org.crosstenant.policy.model.InvitationRequested;
import org.crosstenant.policy.model.LiveInvitation;
import org.crosstenant.policy.model.LiveStatus;

import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Reads invitation-service events (schema owned by invitation-service, docs/topics.md). {@link #parse} reads
 * {@code requested.v1} for a decision; other invitation types ({@code org.crosstenant.invitation.<name>.v<n>}) are
 * kept only for the inbox. {@link #parseProgress} reads the types that move an invitation in the projection of live
 * invitations. Anything unreadable, and any type that is not an invitation event, is a {@link PoisonMessageException}.
 */
public final class InvitationEventParser {

    public static final String REQUESTED = "org.crosstenant.invitation.requested.v1";
    /** The types that move an invitation in the projection of live invitations, and where each moves it to. */
    public static final Map<String, LiveStatus> PROGRESS = Map.of(
            "org.crosstenant.invitation.approval-requested.v1", LiveStatus.PENDING_APPROVAL,
            "org.crosstenant.invitation.approved.v1", LiveStatus.PENDING_ACCEPTANCE,
            "org.crosstenant.invitation.redeemed.v1", LiveStatus.ACCEPTED,
            "org.crosstenant.invitation.denied.v1", LiveStatus.ENDED,
            "org.crosstenant.invitation.declined.v1", LiveStatus.ENDED,
            "org.crosstenant.invitation.revoked.v1", LiveStatus.ENDED,
            "org.crosstenant.invitation.expired.v1", LiveStatus.ENDED);
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

    /**
     * Reads an event that moves an invitation in the projection of live invitations: {@code invitationId},
     * {@code resourceTenant}, {@code application}, {@code invitee} {@code {tenant, email}} (every type carries them),
     * and for {@code redeemed.v1} {@code guest.subject}.
     *
     * @param ceType  a type of {@link #PROGRESS}, else nothing is read
     * @param payload the record's value
     * @return the invitation at the stage the event moves it to (filer unknown), or null for any other type
     * @throws PoisonMessageException when a field it needs is missing or malformed
     */
    public LiveInvitation parseProgress(String ceType, String payload) {
        LiveStatus status = PROGRESS.get(ceType);
        if (status == null) {
            return null;
        }
        String name = ceType.substring("org.crosstenant.invitation.".length());
        JsonNode root = object(name, payload);
        UUID invitationId = uuid(text(root, "invitationId"), name + " invitationId");
        String resourceTenant = id(root, "resourceTenant", name + " resourceTenant");
        String application = id(root, "application", name + " application");
        JsonNode invitee = root.get("invitee");
        if (invitee == null || !invitee.isObject()) {
            throw new PoisonMessageException(name + " has no invitee object");
        }
        String inviteeTenant = id(invitee, "tenant", name + " invitee.tenant");
        String email = inviteeEmail(invitee, name);
        String subject = null;
        if (status == LiveStatus.ACCEPTED) {
            JsonNode guest = root.get("guest");
            subject = guest != null && guest.isObject() ? text(guest, "subject") : null;
            if (subject == null) {
                throw new PoisonMessageException(name + " has no guest.subject");
            }
            Identifiers.Refusal refusal = Identifiers.textViolation(subject, Identifiers.MAX_SUBJECT_CHARS);
            if (refusal != null) {
                throw new PoisonMessageException(name + " guest.subject " + Echo.of(subject) + " "
                        + refusal.reason());
            }
        }
        return new LiveInvitation(invitationId, resourceTenant, inviteeTenant, application, email, null, subject,
                status);
    }

    private JsonNode object(String name, String payload) {
        JsonNode root;
        try {
            root = mapper.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new PoisonMessageException(name + " payload is not JSON: " + Echo.of(e.getOriginalMessage()), e);
        }
        if (root == null || !root.isObject()) {
            throw new PoisonMessageException(name + " payload is not a JSON object");
        }
        return root;
    }

    /** {@code invitee.email} in canonical form, within the limits of what is stored and published. */
    private static String inviteeEmail(JsonNode invitee, String name) {
        String email = text(invitee, "email");
        if (email == null) {
            throw new PoisonMessageException(name + " invitee.email is missing");
        }
        String canonical = Identifiers.canonicalEmail(email);
        Identifiers.Refusal refusal = Identifiers.emailViolation(canonical);
        if (refusal != null) {
            throw new PoisonMessageException(name + " invitee.email " + Echo.of(email) + " " + refusal.reason());
        }
        return canonical;
    }

    private static String id(JsonNode node, String field) {
        return id(node, field, "requested.v1 " + field);
    }

    private static String id(JsonNode node, String field, String what) {
        String value = text(node, field);
        if (!Identifiers.isId(value)) {
            throw new PoisonMessageException(what + " is missing or malformed: " + Echo.of(value));
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
