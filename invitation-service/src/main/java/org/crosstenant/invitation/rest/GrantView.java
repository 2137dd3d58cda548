package org.crosstenant.invitation.rest;

import java.time.Instant;
import java.util.UUID;

import org.crosstenant.invitation.model.Invitation;

/** Answer of a successful redemption, and an item of a tenant's grant listing: the guest grant. */
public record GrantView(UUID invitationId, String status, String resourceTenant, String application,
        FileInvitationRequest.Invitee invitee, InvitationView.Guest guest, Instant acceptedAt,
        Instant grantExpiresAt) {

    static GrantView of(Invitation inv) {
        return new GrantView(inv.id, inv.status.wire(), inv.resourceTenant, inv.application,
                new FileInvitationRequest.Invitee(inv.inviteeTenant, inv.inviteeEmail), InvitationView.guest(inv),
                inv.acceptedAt, inv.grantExpiresAt);
    }
}
