package org.crosstenant.policy.service;

import org.crosstenant.policy.model.AccessSettings;
import org.crosstenant.policy.model.WhoMayInvite;

import java.util.ArrayList;
import java.util.List;

/**
 * The access decision, a pure function of PRECOMPILED effective settings ({@link CompiledSettings}): no I/O, no
 * allocation on the {@link #evaluate}/{@link #decide} path. Semantics: docs/api.md "Cross-tenant access settings";
 * the normative table docs/conformance/access-evaluation.json (the gateway's evaluator passes the same rows).
 * <p>
 * A person is admitted for a mode when the resource tenant's effective inbound settings for the home tenant AND the
 * home tenant's effective outbound settings for the resource tenant both admit the person and the application. An
 * invitation (collaboration, decision stage) also needs the application registered, two different tenants, and the
 * resource tenant's invitation rules (who may invite, invitee domain) to pass. Reasons name the resource tenant's
 * deciding rule; of the home tenant's side only that its outbound settings blocked it.
 */
public final class AccessEvaluator {

    public static final String ALLOW = "allow";
    public static final String DENY = "deny";

    private AccessEvaluator() {
    }

    /** {@code collaboration} (invited guests) or {@code directConnect} (no invitation). */
    public enum Mode {
        COLLABORATION("collaboration"), DIRECT_CONNECT("directConnect");

        private final String wire;

        Mode(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    /**
     * DECISION: the person is known by email only (policy-service deciding a request); ACCESS: email, home subject
     * and groups (the gateway, per request); GRANT: email and home subject, groups unknown (policy-service
     * re-evaluating an active grant: a rule only groups could decide never ends a grant, see
     * {@link CompiledRule#admitsGuest}).
     */
    public enum Stage { DECISION, ACCESS, GRANT }

    /** The first reason a request is refused, or ALLOW. */
    public enum Verdict {
        ALLOW, SAME_TENANT, NOT_REGISTERED, WHO_MAY_INVITE, DOMAIN, RESOURCE_USERS, RESOURCE_APPLICATIONS,
        HOME_BLOCKED
    }

    /**
     * An invitation request as a decision needs it.
     *
     * @param resourceTenant       resource tenant id
     * @param homeTenant           invitee's (home) tenant id
     * @param application          application id
     * @param email                invitee's canonical email
     * @param emailDomain          its domain (after the {@code @}), computed once by the caller
     * @param filedByResourceAdmin true when a resource-tenant admin filed it, false for a partner system (or unknown)
     * @param registered           whether the resource tenant registered the application
     */
    public record Invitation(String resourceTenant, String homeTenant, String application, String email,
                             String emailDomain, boolean filedByResourceAdmin, boolean registered) {
    }

    /**
     * An active guest grant as a re-evaluation knows it (issue #8).
     *
     * @param resourceTenant resource tenant id
     * @param homeTenant     the guest's home tenant id
     * @param application    application id
     * @param email          the invitee's canonical email (the redeemer's, which redemption checked)
     * @param emailDomain    its domain (after the {@code @})
     * @param subject        the guest's home subject, or null when not known
     */
    public record Grant(String resourceTenant, String homeTenant, String application, String email,
                        String emailDomain, String subject) {
    }

    /**
     * Whether both sides admit the person and the application in {@code mode} (allocation-free).
     *
     * @param resource effective settings of the resource tenant for the home tenant
     * @param home     effective settings of the home tenant for the resource tenant
     * @param email    canonical email, or null
     * @param subject  home subject, or null (ignored at DECISION)
     * @param groups   home groups, or null (ignored at DECISION and GRANT)
     * @return ALLOW, RESOURCE_USERS, RESOURCE_APPLICATIONS or HOME_BLOCKED
     */
    public static Verdict evaluate(CompiledSettings resource, CompiledSettings home, Mode mode, Stage stage,
                                   String email, String subject, List<String> groups, String application) {
        Refusal in = inbound(resource, mode, stage, email, subject, groups, application);
        if (in == Refusal.USERS) {
            return Verdict.RESOURCE_USERS;
        }
        if (in == Refusal.APPLICATIONS) {
            return Verdict.RESOURCE_APPLICATIONS;
        }
        return outbound(home, mode, stage, email, subject, groups, application) == Refusal.NONE
                ? Verdict.ALLOW : Verdict.HOME_BLOCKED;
    }

    private static boolean admitsPerson(CompiledRule rule, Stage stage, String email, String subject,
                                        List<String> groups) {
        return stage == Stage.GRANT ? rule.admitsGuest(email, subject)
                : rule.admitsPerson(email, subject, groups, stage == Stage.ACCESS);
    }

    /**
     * The first rule of ONE tenant's side that refuses a request, or {@link #NONE} when that side admits it: the
     * per-side verdicts of {@link #inbound}, {@link #outbound} and {@link #invitationRules} (what-if answers the
     * caller's side rule by rule, the other side only admitted or not). {@link #evaluate} and {@link #decide} are
     * these, resource side first.
     */
    public enum Refusal {
        /** The side admits it. */
        NONE,
        /** The resource tenant has not registered the application. */
        NOT_REGISTERED,
        /** {@code invitations.whoMayInvite} does not let the filer invite. */
        WHO_MAY_INVITE,
        /** {@code invitations.domains} does not admit the invitee email's domain. */
        DOMAIN,
        /** The side's {@code usersAndGroups} rule of the mode does not admit the person. */
        USERS,
        /** The side's {@code applications} rule of the mode does not admit the application. */
        APPLICATIONS
    }

    /**
     * The resource tenant's side of {@link #evaluate}: its effective inbound rules of {@code mode} for the home tenant
     * (allocation-free).
     *
     * @param resource effective settings of the resource tenant for the home tenant
     * @param email    canonical email, or null
     * @param subject  home subject, or null (ignored at DECISION)
     * @param groups   home groups, or null (ignored at DECISION)
     * @return NONE, USERS or APPLICATIONS (the first that refuses)
     */
    public static Refusal inbound(CompiledSettings resource, Mode mode, Stage stage, String email, String subject,
                                  List<String> groups, String application) {
        boolean collaboration = mode == Mode.COLLABORATION;
        return side(collaboration ? resource.inboundCollaborationUsers : resource.inboundDirectConnectUsers,
                collaboration ? resource.inboundCollaborationApplications : resource.inboundDirectConnectApplications,
                stage, email, subject, groups, application);
    }

    /**
     * The home tenant's side of {@link #evaluate}: its effective outbound rules of {@code mode} for the resource tenant
     * (allocation-free).
     *
     * @param home effective settings of the home tenant for the resource tenant
     * @return NONE, USERS or APPLICATIONS (the first that refuses)
     */
    public static Refusal outbound(CompiledSettings home, Mode mode, Stage stage, String email, String subject,
                                   List<String> groups, String application) {
        boolean collaboration = mode == Mode.COLLABORATION;
        return side(collaboration ? home.outboundCollaborationUsers : home.outboundDirectConnectUsers,
                collaboration ? home.outboundCollaborationApplications : home.outboundDirectConnectApplications,
                stage, email, subject, groups, application);
    }

    /**
     * The resource tenant's invitation rules for a new request, in {@link #decide}'s order (allocation-free): the
     * application registered, {@code whoMayInvite} against the filer, {@code domains} against the invitee email's
     * domain. Not the two-tenants check, nor the inbound rule ({@link #inbound} at DECISION).
     *
     * @param resource effective settings of the resource tenant for the home tenant
     * @return NONE, NOT_REGISTERED, WHO_MAY_INVITE or DOMAIN
     */
    public static Refusal invitationRules(Invitation invitation, CompiledSettings resource) {
        if (!invitation.registered()) {
            return Refusal.NOT_REGISTERED;
        }
        if (refusesFiler(resource.whoMayInvite, invitation.filedByResourceAdmin())) {
            return Refusal.WHO_MAY_INVITE;
        }
        return domainAdmits(resource, invitation.emailDomain()) ? Refusal.NONE : Refusal.DOMAIN;
    }

    /**
     * Whether the resource tenant's effective {@code invitations.domains} admits an invitee email's domain (no
     * restriction admits every domain); allocation-free.
     *
     * @param resource    effective settings of the resource tenant for the home tenant
     * @param emailDomain the canonical domain after the {@code @} (not null)
     */
    public static boolean domainAdmits(CompiledSettings resource, String emailDomain) {
        return resource.domains == null || resource.domains.admits(emailDomain);
    }

    /** One side's person rule, then its application rule. */
    private static Refusal side(CompiledRule users, CompiledRule applications, Stage stage, String email,
                                String subject, List<String> groups, String application) {
        if (!admitsPerson(users, stage, email, subject, groups)) {
            return Refusal.USERS;
        }
        return applications.admits(application) ? Refusal.NONE : Refusal.APPLICATIONS;
    }

    /** {@code whoMayInvite} {@code none} refuses every filer, {@code adminsOnly} a partner system. */
    private static boolean refusesFiler(WhoMayInvite who, boolean filedByResourceAdmin) {
        return who == WhoMayInvite.NONE || who == WhoMayInvite.ADMINS_ONLY && !filedByResourceAdmin;
    }

    /**
     * The invitation decision (collaboration, decision stage), allocation-free: the first refusal or ALLOW.
     *
     * @param resource effective settings of the resource tenant for the home tenant
     * @param home     effective settings of the home tenant for the resource tenant
     */
    public static Verdict decide(Invitation invitation, CompiledSettings resource, CompiledSettings home) {
        return check(invitation, Stage.DECISION, null, resource, home, null);
    }

    /**
     * The same decision with its reasons: every refusal when denied, what admitted it when allowed.
     *
     * @return outcome, reasons and whether approval is required (only when allowed)
     */
    public static Evaluation explain(Invitation invitation, CompiledSettings resource, CompiledSettings home) {
        Reasons reasons = new Reasons();
        Verdict verdict = check(invitation, Stage.DECISION, null, resource, home, reasons);
        String r = invitation.resourceTenant();
        String h = invitation.homeTenant();
        if (verdict == Verdict.ALLOW) {
            reasons.add(r + " has registered application " + invitation.application(), null);
            reasons.add(r + " inbound collaboration from " + h + " admits " + invitation.email()
                    + " and application " + invitation.application(), r + " settings admit it");
            reasons.add(h + " outbound settings admit it", h + " outbound settings admit it", h
                    + " outbound collaboration to " + r + " admits " + invitation.email() + " and application "
                    + invitation.application());
            if (resource.approvalRequired()) {
                reasons.add(r + " requires an admin's approval (" + AccessSettings.APPROVAL_REQUIRED + ", "
                        + resource.source(AccessSettings.APPROVAL_REQUIRED).wire() + ")",
                        r + " requires an admin's approval");
            }
        }
        return new Evaluation(verdict == Verdict.ALLOW ? ALLOW : DENY, List.copyOf(reasons.detailed),
                List.copyOf(reasons.shared), List.copyOf(reasons.home),
                verdict == Verdict.ALLOW && resource.approvalRequired());
    }

    /**
     * Whether an active grant still passes the current settings (issue #8, re-evaluation after a settings change):
     * the resource tenant's invitation domain list, and both sides' collaboration rules for the guest (email and home
     * subject; groups unknown) and the application. Never who may invite (a rule about filing, not about the guest),
     * never the registration (the gateway has no route to an application that is not registered). Reasons are worded
     * as {@link #explain} words a denial.
     *
     * @param resource effective settings of the resource tenant for the home tenant
     * @param home     effective settings of the home tenant for the resource tenant
     * @return {@link #ALLOW} with no reasons, or {@link #DENY} with every refusal's reasons (approval never required)
     */
    public static Evaluation explainGrant(Grant grant, CompiledSettings resource, CompiledSettings home) {
        Invitation invitation = new Invitation(grant.resourceTenant(), grant.homeTenant(), grant.application(),
                grant.email(), grant.emailDomain(), true, true);
        Reasons reasons = new Reasons();
        Verdict verdict = check(invitation, Stage.GRANT, grant.subject(), resource, home, reasons);
        return new Evaluation(verdict == Verdict.ALLOW ? ALLOW : DENY, List.copyOf(reasons.detailed),
                List.copyOf(reasons.shared), List.copyOf(reasons.home), false);
    }

    /**
     * The outcome ({@link #ALLOW} or {@link #DENY}), its reasons, and whether approval is required.
     *
     * @param reasons       for the resource tenant: its own deciding rule (JSON pointer, kind, source), of the home
     *                      tenant only that it blocked or admitted
     * @param sharedReasons for either tenant (the invitee, both tenants' audit records): of each side only that it
     *                      blocked or admitted, never which rule (issue #7)
     * @param homeReasons   for the home tenant (its partner systems and admins): its own deciding rule (JSON
     *                      pointer, kind, source), of the resource tenant only that it blocked or admitted
     */
    public record Evaluation(String outcome, List<String> reasons, List<String> sharedReasons,
                             List<String> homeReasons, boolean approvalRequired) {
        public boolean allowed() {
            return ALLOW.equals(outcome);
        }
    }

    /**
     * Each refusal's reason as the resource tenant may read it, as either tenant may, and as the home tenant may
     * (each wording once per list).
     */
    private static final class Reasons {
        final List<String> detailed = new ArrayList<>();
        final List<String> shared = new ArrayList<>();
        final List<String> home = new ArrayList<>();

        void add(String forResource, String forEither) {
            add(forResource, forEither, forEither);
        }

        void add(String forResource, String forEither, String forHome) {
            detailed.add(forResource);
            if (forEither != null && !shared.contains(forEither)) {
                shared.add(forEither);
            }
            if (forHome != null && !home.contains(forHome)) {
                home.add(forHome);
            }
        }
    }

    /**
     * With {@code reasons} null: returns at the first refusal; else collects every refusal's reasons. At
     * {@link Stage#GRANT} the registration and who may invite are not checked, and {@code subject} is the guest's.
     */
    private static Verdict check(Invitation inv, Stage stage, String subject, CompiledSettings resource,
                                 CompiledSettings home, Reasons reasons) {
        boolean grant = stage == Stage.GRANT;
        Verdict first = Verdict.ALLOW;
        String r = inv.resourceTenant();
        if (inv.homeTenant().equals(r)) {
            if (reasons == null) {
                return Verdict.SAME_TENANT;
            }
            first = first(first, Verdict.SAME_TENANT);
            String same = "invitee tenant " + inv.homeTenant() + " is the resource tenant itself: cross-tenant "
                    + "collaboration needs two different tenants";
            reasons.add(same, same);
        }
        if (!grant && !inv.registered()) {
            if (reasons == null) {
                return Verdict.NOT_REGISTERED;
            }
            first = first(first, Verdict.NOT_REGISTERED);
            reasons.add("application " + inv.application() + " is not registered by " + r,
                    r + " settings blocked it");
        }
        WhoMayInvite who = resource.whoMayInvite;
        if (!grant && refusesFiler(who, inv.filedByResourceAdmin())) {
            if (reasons == null) {
                return Verdict.WHO_MAY_INVITE;
            }
            first = first(first, Verdict.WHO_MAY_INVITE);
            reasons.add(r + "'s invitation rules (" + AccessSettings.WHO_MAY_INVITE + ": " + who.wire() + ", "
                    + resource.source(AccessSettings.WHO_MAY_INVITE).wire() + ") do not let "
                    + (inv.filedByResourceAdmin() ? "anyone" : "a partner system") + " invite",
                    r + " settings blocked it");
        }
        if (!domainAdmits(resource, inv.emailDomain())) {
            if (reasons == null) {
                return Verdict.DOMAIN;
            }
            first = first(first, Verdict.DOMAIN);
            reasons.add("domain " + inv.emailDomain() + " is not allowed by " + r + "'s invitation rules ("
                    + AccessSettings.DOMAINS + ": " + resource.domains.describe() + ", "
                    + resource.source(AccessSettings.DOMAINS).wire() + ")", r + " settings blocked it");
        }
        Verdict access = evaluate(resource, home, Mode.COLLABORATION, stage, inv.email(), subject, null,
                inv.application());
        if (access != Verdict.ALLOW) {
            if (reasons == null) {
                return access;
            }
            first = first(first, access);
            boolean byHome = access == Verdict.HOME_BLOCKED;
            reasons.add(accessReason(inv, resource, access), byHome ? inv.homeTenant() + " outbound settings blocked it"
                    : r + " settings blocked it", byHome ? homeReason(inv, stage, subject, home) : r + " settings blocked it");
        }
        return first;
    }

    private static String accessReason(Invitation inv, CompiledSettings resource, Verdict verdict) {
        String scope = inv.resourceTenant() + " inbound collaboration from " + inv.homeTenant();
        return switch (verdict) {
            case RESOURCE_USERS -> scope + " does not admit " + inv.email() + " ("
                    + AccessSettings.IN_COLLAB_USERS + ": " + resource.inboundCollaborationUsers.describe() + ", "
                    + resource.source(AccessSettings.IN_COLLAB_USERS).wire() + ")";
            case RESOURCE_APPLICATIONS -> scope + " does not admit application " + inv.application() + " ("
                    + AccessSettings.IN_COLLAB_APPS + ": " + resource.inboundCollaborationApplications.describe()
                    + ", " + resource.source(AccessSettings.IN_COLLAB_APPS).wire() + ")";
            default -> inv.homeTenant() + " outbound settings blocked it";
        };
    }

    /** The home tenant's own refusing rule, for the home tenant's readers only. */
    private static String homeReason(Invitation inv, Stage stage, String subject, CompiledSettings home) {
        String scope = inv.homeTenant() + " outbound collaboration to " + inv.resourceTenant();
        if (!admitsPerson(home.outboundCollaborationUsers, stage, inv.email(), subject, null)) {
            return scope + " does not admit " + inv.email() + " (" + AccessSettings.OUT_COLLAB_USERS + ": "
                    + home.outboundCollaborationUsers.describe() + ", "
                    + home.source(AccessSettings.OUT_COLLAB_USERS).wire() + ")";
        }
        return scope + " does not admit application " + inv.application() + " (" + AccessSettings.OUT_COLLAB_APPS
                + ": " + home.outboundCollaborationApplications.describe() + ", "
                + home.source(AccessSettings.OUT_COLLAB_APPS).wire() + ")";
    }

    private static Verdict first(Verdict current, Verdict found) {
        return current == Verdict.ALLOW ? found : current;
    }
}
