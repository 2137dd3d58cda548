package org.crosstenant.invitation.service;

/** A validated, normalised filing request (tenant ids and email lower-cased). */
public record NewInvitation(String resourceTenant, String application, String inviteeTenant, String inviteeEmail) {

    /** Canonical text of the request, hashed for Idempotency-Key comparison. */
    public String canonical() {
        return String.join("\n", resourceTenant, application, inviteeTenant, inviteeEmail);
    }
}
