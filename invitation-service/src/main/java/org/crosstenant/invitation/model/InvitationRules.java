package org.crosstenant.invitation.model;

import java.util.Set;

/**
 * A resource tenant's invitation rules for one partner tenant: {@code effective.invitations} of policy-service's
 * {@code access-settings-changed.v2} (docs/api.md, "Cross-tenant access settings"), the part this service enforces at
 * filing and again at redemption. {@code approvalRequired} is not here: policy-service decides it and says so in
 * {@code decided.v1}.
 *
 * @param whoMayInvite  {@value #ADMINS_ONLY}, {@value #ADMINS_AND_PARTNER_SYSTEMS} or {@value #NONE}
 * @param domainsAccess {@code allowed} (only the listed domains), {@code blocked} (all but them), or null (no
 *                      restriction; {@code domains} then empty)
 * @param domains       canonical domains ({@link Identifiers#canonicalDomain}), exact match, no subdomain wildcard
 */
public record InvitationRules(String whoMayInvite, String domainsAccess, Set<String> domains) {

    public static final String ADMINS_ONLY = "adminsOnly";
    public static final String ADMINS_AND_PARTNER_SYSTEMS = "adminsAndPartnerSystems";
    public static final String NONE = "none";
    public static final Set<String> WHO_MAY_INVITE = Set.of(ADMINS_ONLY, ADMINS_AND_PARTNER_SYSTEMS, NONE);
    public static final String ALLOWED = "allowed";
    public static final String BLOCKED = "blocked";

    /** The shipped default, for a pair with neither a partner nor a default configuration. */
    public static final InvitationRules BUILT_IN = new InvitationRules(ADMINS_AND_PARTNER_SYSTEMS, null, Set.of());

    public InvitationRules {
        domains = Set.copyOf(domains);
    }

    /**
     * What the home tenant's side (its partner systems, the invitee) reads whenever these rules refuse a request,
     * whichever rule it was (who may invite, or the domain allow or deny list): one text, and at filing one status
     * (403) with no {@code field}, so neither the words nor the status tell the rules apart (issue #7: of the other
     * side's rules, only that they blocked).
     *
     * @param resourceTenant the tenant whose rules refused
     * @return a detail naming the tenant and no rule
     */
    public static String refusesRequest(String resourceTenant) {
        return resourceTenant + "'s invitation rules refuse this request";
    }

    /**
     * Why a filer in {@code role} may not invite under these rules, or null. The text names the deciding rule: only
     * for the resource tenant's own admins (see {@link #refusesRequest} for everyone else).
     *
     * @param role {@link Caller#ADMIN} (a collab-admin of the resource tenant) or {@link Caller#PARTNER} (a partner
     *             system of the invitee's tenant)
     */
    public String filerViolation(String resourceTenant, String role) {
        if (NONE.equals(whoMayInvite)) {
            return resourceTenant + "'s invitation rules allow no invitations (whoMayInvite none)";
        }
        if (ADMINS_ONLY.equals(whoMayInvite) && !Caller.ADMIN.equals(role)) {
            return resourceTenant + "'s invitation rules allow invitations by its admins only (whoMayInvite adminsOnly)";
        }
        return null;
    }

    /**
     * Why the invitee's address is refused by the domain allow or deny list, or null. The text names the list: only
     * for the resource tenant's own admins (see {@link #refusesRequest} for everyone else).
     *
     * @param canonicalEmail a canonical, acceptable address
     */
    public String domainViolation(String resourceTenant, String canonicalEmail) {
        if (domainsAccess == null) {
            return null;
        }
        String domain = Identifiers.domainOf(canonicalEmail);
        boolean listed = domains.contains(domain);
        if (ALLOWED.equals(domainsAccess) ? listed : !listed) {
            return null;
        }
        return "domain " + domain + " not allowed by " + resourceTenant + "'s invitation rules ("
                + (ALLOWED.equals(domainsAccess) ? "not on its allow list" : "on its deny list") + ")";
    }
}
