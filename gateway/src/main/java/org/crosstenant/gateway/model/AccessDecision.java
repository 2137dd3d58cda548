package org.crosstenant.gateway.model;

/**
 * Outcome of an /apps request's authorisation; reason ends up in the gateway.access event.
 *
 * @param allowed whether the request goes to the application
 * @param guest whether the caller is not a member of the resource tenant (an invited guest or a direct-connect user)
 * @param reason why it was allowed or refused
 * @param directConnect whether the caller came in without a grant, by direct connect
 * @param mfa whether the federated token may carry the home token's {@code acr}/{@code amr}: the home token
 *        satisfies MFA and the resource tenant accepts the home tenant's MFA (always, for its own members)
 * @param deviceCompliant whether the federated token carries {@code device_compliant: true}
 * @param stepUpAcr non-null when refused for MFA (RFC 9470): the {@code acr_values} the challenge asks for, empty
 *        when the home tenant configures none
 */
public record AccessDecision(boolean allowed, boolean guest, String reason, boolean directConnect, boolean mfa,
        boolean deviceCompliant, String stepUpAcr) {

    public AccessDecision(boolean allowed, boolean guest, String reason) {
        this(allowed, guest, reason, false, false, false, null);
    }

    public static AccessDecision member() {
        return new AccessDecision(true, false, "member of the resource tenant");
    }

    public static AccessDecision guest(String invitationId) {
        return new AccessDecision(true, true, "active guest grant from invitation " + invitationId);
    }

    public static AccessDecision directConnectUser() {
        return new AccessDecision(true, true, "direct connect admitted by both tenants' settings", true, false, false,
                null);
    }

    public static AccessDecision denied(String reason) {
        return new AccessDecision(false, true, reason);
    }

    /** This allowed decision with what the federated token may assert about MFA and the device. */
    public AccessDecision withAssurance(boolean mfa, boolean deviceCompliant) {
        if (mfa == this.mfa && deviceCompliant == this.deviceCompliant && stepUpAcr == null) {
            return this; // the usual case: no allocation per request
        }
        return new AccessDecision(allowed, guest, reason, directConnect, mfa, deviceCompliant, null);
    }

    /** Refused because the application requires MFA the caller's token does not bring (or is not trusted for). */
    public AccessDecision stepUp(String why, String acrValues) {
        return new AccessDecision(false, guest, why, directConnect, false, false, acrValues == null ? "" : acrValues);
    }

    /** Whether this refusal is an MFA step-up challenge (401) rather than a 403. */
    public boolean isStepUp() {
        return stepUpAcr != null;
    }
}
