package org.crosstenant.gateway.model;

import java.time.Instant;

/** An active guest grant: home tenant + subject may reach resourceTenant/application until expiresAt. */
public record GuestGrant(String invitationId, String resourceTenant, String application, String guestTenant,
        String guestIssuer, String guestSubject, String guestEmail, Instant expiresAt) {

    public boolean activeAt(Instant now) {
        return expiresAt == null || now.isBefore(expiresAt);
    }
}
