package org.crosstenant.policy.model;

import java.util.UUID;

/**
 * One row of policy-service's projection of live invitations: who and what it is about, where it stands, and what
 * a re-evaluation needs that the decision did not keep.
 *
 * @param invitationId         the invitation
 * @param resourceTenant       the resource tenant
 * @param homeTenant           the invitee's (home) tenant
 * @param application          the resource tenant's application
 * @param inviteeEmail         the invitee's canonical email
 * @param filedByResourceAdmin whether a resource-tenant admin filed the request; null when not known (see
 *                             {@code V5__live_invitations.sql})
 * @param guestSubject         the guest's home subject once redeemed, else null
 * @param status               where it stands
 */
public record LiveInvitation(UUID invitationId, String resourceTenant, String homeTenant, String application,
                             String inviteeEmail, Boolean filedByResourceAdmin, String guestSubject,
                             LiveStatus status) {

    /** @return the domain of the invitee's email (after its one {@code @}) */
    public String inviteeDomain() {
        return inviteeEmail.substring(inviteeEmail.indexOf('@') + 1);
    }

    /**
     * Merges what two events of the same invitation say: the later stage wins, and what only one of them knew (the
     * filer, the guest's subject) is kept.
     *
     * @param other another event's view of the same invitation
     * @return the merged view (identity fields from this one)
     */
    public LiveInvitation merge(LiveInvitation other) {
        LiveStatus later = other.status.stage() > status.stage() ? other.status : status;
        return new LiveInvitation(invitationId, resourceTenant, homeTenant, application, inviteeEmail,
                filedByResourceAdmin != null ? filedByResourceAdmin : other.filedByResourceAdmin,
                guestSubject != null ? guestSubject : other.guestSubject, later);
    }
}
