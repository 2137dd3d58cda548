package org.crosstenant.invitation.messaging;

import java.util.List;
import java.util.UUID;

/**
 * What this service needs from {@code org.crosstenant.policy.decided.v1} (the policy service owns the schema).
 * {@code approvalRequired} (absent = false) matters only when {@code allowed}: the request then waits for a
 * resource-tenant admin in {@code pending_approval}. {@code reasons} are for the resource tenant (its deciding rule);
 * {@code sharedReasons} for either tenant (of each side only that it blocked or admitted), {@code homeReasons} for the
 * home tenant (its own deciding rule, of the resource side only that it blocked); each null when the decision
 * predates it.
 */
public record PolicyDecision(UUID decisionId, UUID invitationId, String resourceTenant, String homeTenant,
        String application, String inviteeEmail, boolean allowed, List<String> reasons, List<String> sharedReasons,
        List<String> homeReasons, boolean approvalRequired) implements PolicyMessage {

    @Override
    public UUID messageId() {
        return decisionId;
    }
}
