package org.crosstenant.policy.model;

import java.util.UUID;

/** The fields of invitation-service's {@code requested.v1} that a decision needs. */
public record InvitationRequested(UUID invitationId, String resourceTenant, String application,
                                  String inviteeTenant, String inviteeEmail) {
}
