package org.crosstenant.invitation.messaging;

import java.util.UUID;

/**
 * What {@code policy.decisions} carries for one invitation (docs/topics.md): a decision ({@link PolicyDecision},
 * {@code decided.v1}) or the withdrawal of an invitation a settings change no longer admits ({@link AccessWithdrawal},
 * {@code access-withdrawn.v1}). Both name the invitation and the tenants and application it must still have here;
 * one that does not match the stored invitation is poison.
 */
public sealed interface PolicyMessage permits PolicyDecision, AccessWithdrawal {

    /** @return the invitation the message is about (also the record's key) */
    UUID invitationId();

    /** @return the resource tenant as policy-service knows the invitation */
    String resourceTenant();

    /** @return the home (invitee) tenant as policy-service knows the invitation */
    String homeTenant();

    /** @return the application as policy-service knows the invitation */
    String application();

    /** @return the message's own id ({@code decisionId} or {@code withdrawalId}), for logs and dead-letter reasons */
    UUID messageId();
}
