package org.crosstenant.gateway.model;

import java.time.Instant;

/**
 * An active guest grant: home tenant + subject may reach resourceTenant/application until expiresAt.
 *
 * @param guestEmail the redeemer's address as redeemed.v1 gives it ({@code guest.email}), or null
 * @param inviteeEmail the canonical address the invitation was filed for ({@code invitee.email}, else
 *        {@code guest.email}: invitation-service lets only that address redeem), or null when neither is an acceptable
 *        address; the resource tenant's invitation domain list is applied to it at every request
 */
public record GuestGrant(String invitationId, String resourceTenant, String application, String guestTenant,
        String guestIssuer, String guestSubject, String guestEmail, Instant expiresAt, String inviteeEmail) {

    /** @return the domain of {@link #inviteeEmail} (after its one {@code @}), or null when there is none */
    public String inviteeDomain() {
        return inviteeEmail == null ? null : inviteeEmail.substring(inviteeEmail.indexOf('@') + 1);
    }

    public boolean activeAt(Instant now) {
        return expiresAt == null || now.isBefore(expiresAt);
    }
}
