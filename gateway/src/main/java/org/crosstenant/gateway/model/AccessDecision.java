package org.crosstenant.gateway.model;

/** Outcome of an /apps request's authorisation; reason ends up in the gateway.access event. */
public record AccessDecision(boolean allowed, boolean guest, String reason) {

    public static AccessDecision member() {
        return new AccessDecision(true, false, "member of the resource tenant");
    }

    public static AccessDecision guest(String invitationId) {
        return new AccessDecision(true, true, "active guest grant from invitation " + invitationId);
    }

    public static AccessDecision denied(String reason) {
        return new AccessDecision(false, true, reason);
    }
}
