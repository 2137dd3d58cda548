package org.crosstenant.invitation.messaging;

import java.util.List;
import java.util.UUID;

import org.crosstenant.invitation.model.InvitationStatus;

/**
 * What this service needs from {@code org.crosstenant.policy.access-withdrawn.v1} (issue #8, continuous access
 * evaluation; policy-service owns the schema, docs/topics.md): a change of {@code changedTenant}'s settings means the
 * live invitation no longer passes, and this service ends it ({@code accepted} → {@code revoked}, an open request →
 * {@code denied}).
 *
 * @param withdrawalId   the withdrawal's id; published as {@code withdrawalId} of revoked.v1 and as
 *                       {@code decisionId} of denied.v1
 * @param previousStatus the status policy-service last saw (informative: this service acts on its own current status)
 * @param cause          why: {@code policy-changed}, the only cause this version knows
 * @param changedTenant  whose settings changed: the resource or the home tenant of the invitation
 * @param reasons        for the resource tenant (its deciding rule)
 * @param sharedReasons  for either tenant (of each side only that it blocked); these travel in revoked.v1/denied.v1
 * @param homeReasons    for the home tenant (its own deciding rule), or null when the event carries none (the home
 *                       tenant then reads the shared reasons)
 */
public record AccessWithdrawal(UUID withdrawalId, UUID invitationId, String resourceTenant, String homeTenant,
        String application, String inviteeEmail, InvitationStatus previousStatus, String cause, String changedTenant,
        List<String> reasons, List<String> sharedReasons, List<String> homeReasons) implements PolicyMessage {

    /** The only {@code cause} of this version of the contract. */
    public static final String POLICY_CHANGED = "policy-changed";

    @Override
    public UUID messageId() {
        return withdrawalId;
    }
}
