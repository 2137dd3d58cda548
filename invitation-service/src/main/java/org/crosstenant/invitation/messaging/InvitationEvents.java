package org.crosstenant.invitation.messaging;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.crosstenant.invitation.model.Invitation;
import org.crosstenant.invitation.model.InvitationStatus;
import org.crosstenant.invitation.model.OutboxEvent;
import org.crosstenant.invitation.model.Party;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Builds the v1 payloads of {@code invitations.events} as outbox rows. The field names are the contract in
 * docs/topics.md; src/main/resources/events/ holds one example per type and a test keeps the two in step.
 */
@ApplicationScoped
public class InvitationEvents {

    public static final String TOPIC_PROPERTY = "mp.messaging.outgoing.invitations-out.topic";
    public static final String AGGREGATE_TYPE = "invitation";
    public static final String PREFIX = "org.crosstenant.invitation.";
    public static final String REQUESTED = PREFIX + "requested.v1";
    public static final String APPROVED = PREFIX + "approved.v1";
    public static final String DENIED = PREFIX + "denied.v1";
    public static final String REDEEMED = PREFIX + "redeemed.v1";
    public static final String REVOKED = PREFIX + "revoked.v1";
    public static final String EXPIRED = PREFIX + "expired.v1";
    public static final String APPROVAL_REQUESTED = PREFIX + "approval-requested.v1";
    public static final String DECLINED = PREFIX + "declined.v1";
    public static final List<String> ALL_TYPES = List.of(REQUESTED, APPROVED, DENIED, REDEEMED, REVOKED, EXPIRED,
            APPROVAL_REQUESTED, DECLINED);

    private final ObjectMapper json;
    private final String topic;

    public InvitationEvents(ObjectMapper json, @ConfigProperty(name = TOPIC_PROPERTY) String topic) {
        this.json = json;
        this.topic = topic;
    }

    public OutboxEvent requested(Invitation inv, Instant at) {
        ObjectNode p = common(inv);
        p.set("requestedBy", party(new Party(inv.requestedByTenant, inv.requestedBySubject, inv.requestedByEmail)));
        p.put("requestedByRole", inv.requestedByRole);
        p.put("expiresAt", inv.expiresAt.toString());
        return row(inv, REQUESTED, p, at);
    }

    /**
     * The invitation may now be redeemed. Never carries the redemption code: events are read by every consumer and
     * the audit log. After an admin's approval it also names the admin ({@code approvedBy}) and their optional
     * {@code reason}; after a plain policy allow neither is present.
     */
    public OutboxEvent approved(Invitation inv, Instant at) {
        ObjectNode p = common(inv);
        p.put("decisionId", inv.decisionId.toString());
        p.put("expiresAt", inv.expiresAt.toString());
        if (inv.approvedBySubject != null) {
            p.set("approvedBy", party(new Party(inv.approvedByTenant, inv.approvedBySubject, inv.approvedByEmail)));
            if (inv.approvalReason != null) {
                p.put("reason", inv.approvalReason);
            }
        }
        return row(inv, APPROVED, p, at);
    }

    /** Policy allowed the request and the resource tenant's rules require an admin's approval: pending_approval. */
    public OutboxEvent approvalRequested(Invitation inv, Instant at) {
        ObjectNode p = common(inv);
        p.put("decisionId", inv.decisionId.toString());
        p.put("expiresAt", inv.expiresAt.toString());
        return row(inv, APPROVAL_REQUESTED, p, at);
    }

    /**
     * An admin of the resource tenant declined a pending_approval request. The contract's flat fields
     * ({@code homeTenant}, {@code inviteeEmail}) and the {@code invitee} object every other type carries;
     * {@code reason} is null when the admin gave none.
     */
    public OutboxEvent declined(Invitation inv, Instant at) {
        ObjectNode p = common(inv);
        p.put("homeTenant", inv.inviteeTenant);
        p.put("inviteeEmail", inv.inviteeEmail);
        p.set("declinedBy", party(new Party(inv.declinedByTenant, inv.declinedBySubject, inv.declinedByEmail)));
        p.put("reason", inv.approvalReason);
        return row(inv, DECLINED, p, at);
    }

    public OutboxEvent denied(Invitation inv, List<String> reasons, Instant at) {
        ObjectNode p = common(inv);
        p.put("decisionId", inv.decisionId.toString());
        ArrayNode r = p.putArray("reasons");
        reasons.forEach(r::add);
        return row(inv, DENIED, p, at);
    }

    /**
     * Issue #8: a settings change (access-withdrawn.v1) ended a live request ({@code requested},
     * {@code pending_approval} or {@code pending_acceptance}). As a policy denial, plus {@code "cause":
     * "policy-changed"} and {@code previousStatus}; {@code decisionId} is the withdrawal's id (example
     * {@code denied.v1.policy-changed.json}).
     *
     * @param inv      the invitation, its {@code withdrawal*} fields set
     * @param reasons  the withdrawal's shared reasons (both tenants read this event)
     * @param previous this service's status of the invitation before the withdrawal
     * @param at       when
     */
    public OutboxEvent deniedByPolicyChange(Invitation inv, List<String> reasons, InvitationStatus previous,
            Instant at) {
        ObjectNode p = common(inv);
        p.put("decisionId", inv.withdrawalId.toString());
        ArrayNode r = p.putArray("reasons");
        reasons.forEach(r::add);
        p.put("cause", inv.withdrawalCause);
        p.put("previousStatus", previous.wire());
        return row(inv, DENIED, p, at);
    }

    public OutboxEvent redeemed(Invitation inv, Instant at) {
        ObjectNode p = common(inv);
        p.set("guest", guest(inv));
        p.put("grantExpiresAt", inv.grantExpiresAt.toString());
        return row(inv, REDEEMED, p, at);
    }

    public OutboxEvent revoked(Invitation inv, Party revokedBy, Instant at) {
        ObjectNode p = common(inv);
        if (inv.hasGuest()) {
            p.set("guest", guest(inv));
        } else {
            p.putNull("guest");
        }
        p.set("revokedBy", party(revokedBy));
        return row(inv, REVOKED, p, at);
    }

    /**
     * Issue #8: a settings change (access-withdrawn.v1) ended a grant. As an admin's revocation, with
     * {@code revokedBy} {@code {"tenant": <the tenant whose change it was>, "subject": "system:policy-changed",
     * "email": null}}, plus {@code "reason": "policy-changed"}, {@code reasons} and {@code withdrawalId} (example
     * {@code revoked.v1.policy-changed.json}).
     *
     * @param inv     the invitation, its {@code revokedBy*} and {@code withdrawal*} fields set
     * @param reasons the withdrawal's shared reasons (both tenants and the gateway read this event)
     * @param at      when
     */
    public OutboxEvent revokedByPolicyChange(Invitation inv, List<String> reasons, Instant at) {
        ObjectNode p = common(inv);
        if (inv.hasGuest()) {
            p.set("guest", guest(inv));
        } else {
            p.putNull("guest");
        }
        p.set("revokedBy", party(new Party(inv.revokedByTenant, inv.revokedBySubject, inv.revokedByEmail)));
        p.put("reason", inv.withdrawalCause);
        ArrayNode r = p.putArray("reasons");
        reasons.forEach(r::add);
        p.put("withdrawalId", inv.withdrawalId.toString());
        return row(inv, REVOKED, p, at);
    }

    public OutboxEvent expired(Invitation inv, InvitationStatus previous, Instant at) {
        ObjectNode p = common(inv);
        p.put("previousStatus", previous.wire());
        p.put("expiresAt", inv.expiresAt.toString());
        return row(inv, EXPIRED, p, at);
    }

    private ObjectNode common(Invitation inv) {
        ObjectNode p = json.createObjectNode();
        p.put("invitationId", inv.id.toString());
        p.put("resourceTenant", inv.resourceTenant);
        p.put("application", inv.application);
        ObjectNode invitee = p.putObject("invitee");
        invitee.put("tenant", inv.inviteeTenant);
        invitee.put("email", inv.inviteeEmail);
        return p;
    }

    private ObjectNode guest(Invitation inv) {
        ObjectNode g = json.createObjectNode();
        g.put("tenant", inv.guestTenant);
        g.put("issuer", inv.guestIssuer);
        g.put("subject", inv.guestSubject);
        g.put("email", inv.guestEmail);
        return g;
    }

    private ObjectNode party(Party party) {
        ObjectNode n = json.createObjectNode();
        n.put("tenant", party.tenant());
        n.put("subject", party.subject());
        n.put("email", party.email());
        return n;
    }

    private OutboxEvent row(Invitation inv, String type, ObjectNode payload, Instant at) {
        payload.put("occurredAt", at.toString());
        OutboxEvent e = new OutboxEvent();
        e.id = UUID.randomUUID();
        e.aggregateType = AGGREGATE_TYPE;
        e.aggregateId = inv.id.toString();
        e.type = type;
        e.topic = topic;
        e.payload = payload.toString();
        e.occurredAt = at;
        return e;
    }
}
