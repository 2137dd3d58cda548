package org.crosstenant.policy.model;

import java.util.UUID;

/**
 * The fields of invitation-service's {@code requested.v1} that a decision needs; {@code inviteeEmail} is canonical,
 * {@code filedByResourceAdmin} is true when {@code requestedBy.tenant} is the resource tenant (an admin of it filed
 * the request), false for a partner system of another tenant or when the event does not say.
 */
public record InvitationRequested(UUID invitationId, String resourceTenant, String application,
                                  String inviteeTenant, String inviteeEmail, boolean filedByResourceAdmin) {

    /** @return the domain of the invitee's email (after its one {@code @}) */
    public String inviteeDomain() {
        return inviteeEmail.substring(inviteeEmail.indexOf('@') + 1);
    }
}
