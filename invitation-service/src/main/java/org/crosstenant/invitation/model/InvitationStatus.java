package org.crosstenant.invitation.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** Lifecycle: requested → pending_acceptance → accepted, or denied, revoked, expired. */
public enum InvitationStatus {
    REQUESTED("requested"),
    PENDING_ACCEPTANCE("pending_acceptance"),
    ACCEPTED("accepted"),
    DENIED("denied"),
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
        return this == REQUESTED || this == PENDING_ACCEPTANCE || this == ACCEPTED;
    }
}
