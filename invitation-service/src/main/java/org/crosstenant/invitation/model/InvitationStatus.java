package org.crosstenant.invitation.model;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Lifecycle: requested → (pending_approval →) pending_acceptance → accepted, or denied (by policy), declined (by an
 * admin), revoked, expired.
 */
public enum InvitationStatus {
    REQUESTED("requested"),
    PENDING_APPROVAL("pending_approval"),
    PENDING_ACCEPTANCE("pending_acceptance"),
    ACCEPTED("accepted"),
    DENIED("denied"),
    DECLINED("declined"),
    REVOKED("revoked"),
    EXPIRED("expired");

    private final String wire;

    InvitationStatus(String wire) {
        this.wire = wire;
    }

    /** The name used in the database, the HTTP API and events. */
    @JsonValue
    public String wire() {
        return wire;
    }

    public static InvitationStatus fromWire(String value) {
        for (InvitationStatus s : values()) {
            if (s.wire.equals(value)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown invitation status " + value);
    }

    /** States that an admin may still revoke. */
    public boolean revocable() {
        return live();
    }

    /**
     * The states of a live request: at most one invitation per (resource tenant, application, invitee canonical
     * email) is in one of them (database index {@code invitation_one_live}).
     */
    public boolean live() {
        return this == REQUESTED || this == PENDING_APPROVAL || this == PENDING_ACCEPTANCE || this == ACCEPTED;
    }
}
