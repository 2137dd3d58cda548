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

    /** DECISION: the person is known by email only (policy-service); ACCESS: email, home subject and groups. */
    public enum Stage { DECISION, ACCESS }

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
     * Whether both sides admit the person and the application in {@code mode} (allocation-free).
     *
     * @param resource effective settings of the resource tenant for the home tenant
     * @param home     effective settings of the home tenant for the resource tenant
     * @param email    canonical email, or null
     * @param subject  home subject, or null (ignored at DECISION)
     * @param groups   home groups, or null (ignored at DECISION)
     * @return ALLOW, RESOURCE_USERS, RESOURCE_APPLICATIONS or HOME_BLOCKED
     */
    public static Verdict evaluate(CompiledSettings resource, CompiledSettings home, Mode mode, Stage stage,
                                   String email, String subject, List<String> groups, String application) {
        boolean known = stage == Stage.ACCESS;
        boolean collaboration = mode == Mode.COLLABORATION;
        CompiledRule inUsers = collaboration ? resource.inboundCollaborationUsers : resource.inboundDirectConnectUsers;
        if (!inUsers.admitsPerson(email, subject, groups, known)) {
            return Verdict.RESOURCE_USERS;
        }
        CompiledRule inApps = collaboration ? resource.inboundCollaborationApplications
                : resource.inboundDirectConnectApplications;
        if (!inApps.admits(application)) {
            return Verdict.RESOURCE_APPLICATIONS;
        }
        CompiledRule outUsers = collaboration ? home.outboundCollaborationUsers : home.outboundDirectConnectUsers;
        CompiledRule outApps = collaboration ? home.outboundCollaborationApplications
                : home.outboundDirectConnectApplications;
        return outUsers.admitsPerson(email, subject, groups, known) && outApps.admits(application)
                ? Verdict.ALLOW : Verdict.HOME_BLOCKED;
    }

    /**
     * The invitation decision (collaboration, decision stage), allocation-free: the first refusal or ALLOW.
     *
     * @param resource effective settings of the resource tenant for the home tenant
     * @param home     effective settings of the home tenant for the resource tenant
     */
    public static Verdict decide(Invitation invitation, CompiledSettings resource, CompiledSettings home) {
        return check(invitation, resource, home, null);
    }

    /**
     * The same decision with its reasons: every refusal when denied, what admitted it when allowed.
     *
     * @return outcome, reasons and whether approval is required (only when allowed)
     */
    public static Evaluation explain(Invitation invitation, CompiledSettings resource, CompiledSettings home) {
        Reasons reasons = new Reasons();
        Verdict verdict = check(invitation, resource, home, reasons);
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

    /** With {@code reasons} null: returns at the first refusal; else collects every refusal's reasons. */
    private static Verdict check(Invitation inv, CompiledSettings resource, CompiledSettings home,
                                 Reasons reasons) {
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
        if (!inv.registered()) {
            if (reasons == null) {
                return Verdict.NOT_REGISTERED;
            }
            first = first(first, Verdict.NOT_REGISTERED);
            reasons.add("application " + inv.application() + " is not registered by " + r,
                    r + " settings blocked it");
        }
        WhoMayInvite who = resource.whoMayInvite;
        if (who == WhoMayInvite.NONE || who == WhoMayInvite.ADMINS_ONLY && !inv.filedByResourceAdmin()) {
            if (reasons == null) {
                return Verdict.WHO_MAY_INVITE;
            }
            first = first(first, Verdict.WHO_MAY_INVITE);
            reasons.add(r + "'s invitation rules (" + AccessSettings.WHO_MAY_INVITE + ": " + who.wire() + ", "
                    + resource.source(AccessSettings.WHO_MAY_INVITE).wire() + ") do not let "
                    + (inv.filedByResourceAdmin() ? "anyone" : "a partner system") + " invite",
                    r + " settings blocked it");
        }
        if (resource.domains != null && !resource.domains.admits(inv.emailDomain())) {
            if (reasons == null) {
                return Verdict.DOMAIN;
            }
            first = first(first, Verdict.DOMAIN);
            reasons.add("domain " + inv.emailDomain() + " is not allowed by " + r + "'s invitation rules ("
                    + AccessSettings.DOMAINS + ": " + resource.domains.describe() + ", "
                    + resource.source(AccessSettings.DOMAINS).wire() + ")", r + " settings blocked it");
        }
        Verdict access = evaluate(resource, home, Mode.COLLABORATION, Stage.DECISION, inv.email(), null, null,
                inv.application());
        if (access != Verdict.ALLOW) {
            if (reasons == null) {
                return access;
            }
            first = first(first, access);
            boolean byHome = access == Verdict.HOME_BLOCKED;
            reasons.add(accessReason(inv, resource, access), byHome ? inv.homeTenant() + " outbound settings blocked it"
                    : r + " settings blocked it", byHome ? homeReason(inv, home) : r + " settings blocked it");
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
    private static String homeReason(Invitation inv, CompiledSettings home) {
        String scope = inv.homeTenant() + " outbound collaboration to " + inv.resourceTenant();
        if (!home.outboundCollaborationUsers.admitsPerson(inv.email(), null, null, false)) {
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
