package org.crosstenant.invitation.rest;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.crosstenant.invitation.model.Invitation;
import org.crosstenant.invitation.model.Party;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What GET (and filing, and revoking) answer. {@code redemptionCode} appears only for the filing party;
 * {@code withdrawal} only for an invitation a settings change ended (issue #8), members that do not apply are absent.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InvitationView(UUID id, String status, String resourceTenant, String application,
        FileInvitationRequest.Invitee invitee, Party requestedBy, String requestedByRole, Instant createdAt,
        Instant updatedAt, Instant expiresAt, Decision decision, Guest guest, Instant acceptedAt,
        Instant grantExpiresAt, Instant revokedAt, Party revokedBy, Instant expiredAt, String redemptionCode,
        String redeemUrl, Review approval, Review declined, Withdrawal withdrawal) {

    /** An admin's approval or decline of a pending_approval request; {@code reason} absent when none was given. */
    public record Review(Party by, Instant at, String reason) {
    }

    public record Decision(UUID id, String outcome, List<String> reasons, Instant decidedAt) {
    }

    public record Guest(String tenant, String issuer, String subject, String email) {
    }

    /**
     * Issue #8: policy-service withdrew the invitation because a settings change no longer admits it
     * (access-withdrawn.v1); the invitation ended as {@code revoked} (a grant) or {@code denied} (an open request).
     *
     * @param id             the withdrawal's id ({@code withdrawalId} of revoked.v1, {@code decisionId} of denied.v1)
     * @param cause          {@code policy-changed}
     * @param changedTenant  the tenant whose settings change it was
     * @param previousStatus the invitation's status before it ended
     * @param reasons        why, as the reader may read them (the resource tenant its deciding rule, the home tenant
     *                       its own, of the other side only that it blocked)
     * @param withdrawnAt    when this service ended it
     */
    public record Withdrawal(UUID id, String cause, String changedTenant, String previousStatus, List<String> reasons,
            Instant withdrawnAt) {
    }

    /**
     * @param reasons           the decision's reasons as the caller may read them
     * @param withdrawalReasons the withdrawal's reasons as the caller may read them (unused without a withdrawal)
     * @param showCode          whether the caller may see the redemption code
     * @param self the invitation's absolute URL as the caller sees it (built from the request, forwarded headers
     *             of trusted proxies included); {@code redeemUrl} is {@code self + "/redeem"}
     */
    static InvitationView of(Invitation inv, List<String> reasons, List<String> withdrawalReasons, boolean showCode,
            URI self) {
        Decision decision = inv.decisionId == null ? null
                : new Decision(inv.decisionId, inv.decisionOutcome, reasons, inv.decidedAt);
        Guest guest = inv.hasGuest() ? guest(inv) : null;
        Party revokedBy = inv.revokedBySubject == null ? null
                : new Party(inv.revokedByTenant, inv.revokedBySubject, inv.revokedByEmail);
        String code = showCode ? inv.redemptionCode : null;
        return new InvitationView(inv.id, inv.status.wire(), inv.resourceTenant, inv.application,
                new FileInvitationRequest.Invitee(inv.inviteeTenant, inv.inviteeEmail),
                new Party(inv.requestedByTenant, inv.requestedBySubject, inv.requestedByEmail), inv.requestedByRole,
                inv.createdAt, inv.updatedAt, inv.expiresAt, decision, guest, inv.acceptedAt, inv.grantExpiresAt,
                inv.revokedAt, revokedBy, inv.expiredAt, code,
                code == null ? null : self + "/redeem",
                inv.approvedBySubject == null ? null : new Review(new Party(inv.approvedByTenant,
                        inv.approvedBySubject, inv.approvedByEmail), inv.approvedAt, inv.approvalReason),
                inv.declinedBySubject == null ? null : new Review(new Party(inv.declinedByTenant,
                        inv.declinedBySubject, inv.declinedByEmail), inv.declinedAt, inv.approvalReason),
                inv.withdrawalId == null ? null : new Withdrawal(inv.withdrawalId, inv.withdrawalCause,
                        inv.withdrawalChangedTenant, inv.withdrawalPreviousStatus, withdrawalReasons,
                        inv.withdrawnAt));
    }

    static Guest guest(Invitation inv) {
        return new Guest(inv.guestTenant, inv.guestIssuer, inv.guestSubject, inv.guestEmail);
    }
}
