package org.crosstenant.policy.model;

/**
 * Where an invitation stands in policy-service's projection of live invitations ({@code live_invitations.status}).
 * Each status has a stage, and a row only ever moves to a higher stage: the projection is fed by two independent
 * readers of one invitation's life (the decision batch and the invitations.events projection channel), so neither
 * their order nor a replay may move it back. {@link #ENDED} and {@link #WITHDRAWN} are final.
 */
public enum LiveStatus {
    /** An allow decision was made; invitation-service has not reported the next step yet. */
    REQUESTED("requested", 1),
    /** approval-requested.v1: waits for a resource admin. */
    PENDING_APPROVAL("pending_approval", 2),
    /** approved.v1: waits for the invitee to redeem. */
    PENDING_ACCEPTANCE("pending_acceptance", 3),
    /** redeemed.v1: an active guest grant. */
    ACCEPTED("accepted", 4),
    /** denied.v1, declined.v1, revoked.v1 or expired.v1: no longer live. */
    ENDED("ended", 5),
    /** A settings change ended it here (access-withdrawn.v1 published): no longer live. */
    WITHDRAWN("withdrawn", 5);

    /** The first stage that is no longer live. */
    public static final int FINAL_STAGE = 5;

    private final String wire;
    private final int stage;

    LiveStatus(String wire, int stage) {
        this.wire = wire;
        this.stage = stage;
    }

    /** @return the stored value, and for a live status the {@code previousStatus} of access-withdrawn.v1 */
    public String wire() {
        return wire;
    }

    /** @return 1 to 5; higher is later */
    public int stage() {
        return stage;
    }

    /** @return whether the invitation is still live (re-evaluated by a settings change) */
    public boolean live() {
        return stage < FINAL_STAGE;
    }

    /** @return whether it is an active grant (ended as {@code revoked}, not {@code denied}) */
    public boolean grant() {
        return this == ACCEPTED;
    }

    /**
     * @param wire a stored value
     * @return its status
     * @throws IllegalArgumentException for any other value
     */
    public static LiveStatus of(String wire) {
        for (LiveStatus status : values()) {
            if (status.wire.equals(wire)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown live invitation status " + wire);
    }
}
