package org.crosstenant.invitation.rest;

/** Body of POST /api/v1/invitations. */
public record FileInvitationRequest(String resourceTenant, String application, Invitee invitee) {

    public record Invitee(String tenant, String email) {
    }
}
