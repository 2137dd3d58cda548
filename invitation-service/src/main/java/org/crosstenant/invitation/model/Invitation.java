package org.crosstenant.invitation.model;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/** A collaboration request and, once redeemed, the guest grant it became. */
@Entity
@Table(name = "invitation")
public class Invitation {

    @Id
    public UUID id;

    @Column(name = "resource_tenant", nullable = false)
    public String resourceTenant;

    @Column(nullable = false)
    public String application;

    @Column(name = "invitee_tenant", nullable = false)
    public String inviteeTenant;

    @Column(name = "invitee_email", nullable = false)
    public String inviteeEmail;

    @Column(name = "requested_by_tenant", nullable = false)
    public String requestedByTenant;

    @Column(name = "requested_by_subject", nullable = false)
    public String requestedBySubject;

    @Column(name = "requested_by_email")
    public String requestedByEmail;

    @Column(name = "requested_by_role", nullable = false)
    public String requestedByRole;

    @Column(nullable = false)
    public InvitationStatus status;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    @Column(name = "decision_id")
    public UUID decisionId;

    @Column(name = "decision_outcome")
    public String decisionOutcome;

    /** JSON array of strings. */
    @Column(name = "decision_reasons")
    public String decisionReasons;

    /** JSON array of strings: the reasons either tenant may read (null for decisions from before V4). */
    @Column(name = "decision_shared_reasons")
    public String decisionSharedReasons;

    /** JSON array of strings: the reasons the home tenant may read (null for decisions from before V5). */
    @Column(name = "decision_home_reasons")
    public String decisionHomeReasons;

    @Column(name = "decided_at")
    public Instant decidedAt;

    @Column(name = "redemption_code")
    public String redemptionCode;

    @Column(name = "failed_redemptions", nullable = false)
    public int failedRedemptions;

    @Column(name = "guest_tenant")
    public String guestTenant;

    @Column(name = "guest_issuer")
    public String guestIssuer;

    @Column(name = "guest_subject")
    public String guestSubject;

    @Column(name = "guest_email")
    public String guestEmail;

    @Column(name = "accepted_at")
    public Instant acceptedAt;

    @Column(name = "grant_expires_at")
    public Instant grantExpiresAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    @Column(name = "revoked_by_tenant")
    public String revokedByTenant;

    @Column(name = "revoked_by_subject")
    public String revokedBySubject;

    @Column(name = "revoked_by_email")
    public String revokedByEmail;

    @Column(name = "approved_at")
    public Instant approvedAt;

    @Column(name = "approved_by_tenant")
    public String approvedByTenant;

    @Column(name = "approved_by_subject")
    public String approvedBySubject;

    @Column(name = "approved_by_email")
    public String approvedByEmail;

    @Column(name = "declined_at")
    public Instant declinedAt;

    @Column(name = "declined_by_tenant")
    public String declinedByTenant;

    @Column(name = "declined_by_subject")
    public String declinedBySubject;

    @Column(name = "declined_by_email")
    public String declinedByEmail;

    /** The admin's optional reason for approving or declining. */
    @Column(name = "approval_reason")
    public String approvalReason;

    @Column(name = "expired_at")
    public Instant expiredAt;

    /**
     * Issue #8: the {@code withdrawalId} of the access-withdrawn.v1 that ended this invitation (a settings change it no
     * longer passed); null unless it ended so. The other {@code withdrawal*} fields are set with it.
     */
    @Column(name = "withdrawal_id")
    public UUID withdrawalId;

    /** Why it was withdrawn: {@code policy-changed}. */
    @Column(name = "withdrawal_cause")
    public String withdrawalCause;

    /** The tenant whose settings change ended it (the resource or the home tenant). */
    @Column(name = "withdrawal_changed_tenant")
    public String withdrawalChangedTenant;

    /** This service's status of the invitation when the withdrawal ended it (wire name). */
    @Column(name = "withdrawal_previous_status")
    public String withdrawalPreviousStatus;

    /** JSON array of strings: the withdrawal's reasons for the resource tenant (its deciding rule). */
    @Column(name = "withdrawal_reasons")
    public String withdrawalReasons;

    /** JSON array of strings: the reasons either tenant may read (published in revoked.v1/denied.v1). */
    @Column(name = "withdrawal_shared_reasons")
    public String withdrawalSharedReasons;

    /** JSON array of strings: the reasons the home tenant may read; null when the event carried none. */
    @Column(name = "withdrawal_home_reasons")
    public String withdrawalHomeReasons;

    @Column(name = "withdrawn_at")
    public Instant withdrawnAt;

    @Version
    public long version;

    public boolean hasGuest() {
        return guestSubject != null;
    }
}
