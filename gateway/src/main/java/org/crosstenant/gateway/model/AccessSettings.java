package org.crosstenant.gateway.model;

import java.util.Set;

/**
 * One (resource tenant, partner) pair's effective cross-tenant access settings as the gateway enforces them at access
 * time (docs/api.md, "Cross-tenant access settings"): compiled from policy-service's
 * {@code access-settings-changed.v2} {@code effective} member (or a v1 configuration), never merged here.
 *
 * @param inboundCollaboration who of the partner's people may reach this tenant's applications as invited guests
 * @param inboundDirectConnect who of the partner's people may reach them without an invitation
 * @param outboundCollaboration which of this tenant's people may be guests in the partner's applications
 * @param outboundDirectConnect which of this tenant's people may reach the partner's applications without invitation
 * @param mfaAccepted whether this tenant accepts the partner's MFA ({@code inbound.trust.mfaAccepted})
 * @param compliantDeviceAccepted whether it accepts the partner's device-compliance claim
 * @param invitationDomains this tenant's invitation domain allow or deny list for the partner's people
 *        ({@code invitations.domains}), which also applies to their grants at access time; null = no restriction
 */
public record AccessSettings(Side inboundCollaboration, Side inboundDirectConnect, Side outboundCollaboration,
        Side outboundDirectConnect, boolean mfaAccepted, boolean compliantDeviceAccepted,
        DomainRule invitationDomains) {

    /** The shipped default ("secure by default"): every rule blocked for all, no trust, no domain restriction. */
    public static final AccessSettings BUILT_IN = new AccessSettings(Side.BLOCKED, Side.BLOCKED, Side.BLOCKED,
            Side.BLOCKED, false, false, null);

    /**
     * An {@code invitations.domains} list: allowed = only these email domains, blocked = all but these (exact match
     * of canonical domains, no subdomain wildcard); {@code all} with blocked admits no domain.
     *
     * @param domains canonical domains (lower-case ASCII, an IDN as {@code xn--})
     */
    public record DomainRule(boolean allowed, boolean all, Set<String> domains) {

        /**
         * @param domain the canonical domain of the guest's address, or null when no address is known
         * @return whether the list admits it; an unknown domain is never admitted (fail closed: a guest without an
         *         address must not pass a deny list)
         */
        public boolean admits(String domain) {
            if (domain == null) {
                return false;
            }
            return all ? allowed : allowed == domains.contains(domain);
        }
    }

    /** One direction of one mode: a RULE for people and one for applications. */
    public record Side(PeopleRule usersAndGroups, AppRule applications) {
        public static final Side BLOCKED = new Side(PeopleRule.BLOCKED_ALL, AppRule.BLOCKED_ALL);
    }

    /**
     * A {@code usersAndGroups} RULE: allowed+all admits everyone, allowed+list only the listed, blocked+list all but
     * the listed, blocked+all no one.
     *
     * @param users canonical email addresses ({@code EmailAddresses})
     * @param subjects home {@code sub} values, compared exactly
     * @param groups group names of the home token's {@code groups} claim, compared exactly
     */
    public record PeopleRule(boolean allowed, boolean all, Set<String> users, Set<String> subjects,
            Set<String> groups) {
        public static final PeopleRule BLOCKED_ALL = new PeopleRule(false, true, Set.of(), Set.of(), Set.of());
    }

    /** An {@code applications} RULE over application ids. */
    public record AppRule(boolean allowed, boolean all, Set<String> applications) {
        public static final AppRule BLOCKED_ALL = new AppRule(false, true, Set.of());
    }
}
