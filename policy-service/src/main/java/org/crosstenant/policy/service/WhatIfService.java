package org.crosstenant.policy.service;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.crosstenant.policy.model.AccessSettings;
import org.crosstenant.policy.model.PartnerConfiguration;
import org.crosstenant.policy.repository.DecisionBatchRepository.StoredSettings;
import org.crosstenant.policy.repository.EvaluationInputsRepository;
import org.crosstenant.policy.service.AccessEvaluator.Invitation;
import org.crosstenant.policy.service.AccessEvaluator.Mode;
import org.crosstenant.policy.service.AccessEvaluator.Refusal;
import org.crosstenant.policy.service.AccessEvaluator.Stage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.crosstenant.policy.repository.DecisionBatchRepository.key;

/**
 * What-if (issue #8): how a hypothetical collaboration or direct-connect request would be decided, against the
 * current settings or with one configuration of the asking tenant replaced by a proposed one, by the same evaluator
 * that decides invitations here and the same rules the gateway applies per request ({@link AccessEvaluator}). Reads
 * only: nothing is stored, published or cached (a proposed configuration is compiled for the one answer and never
 * enters {@link EffectiveSettingsCache}). Semantics and what each answer member may tell: docs/api.md, "What-if".
 * <p>
 * The asking tenant reads its own side rule by rule; of the other tenant only whether it admits (issue #7): never
 * which of its rules, its versions, its MFA or device trust, nor — when the asking tenant is the home tenant —
 * whether the other tenant registered the application or requires MFA for it unless its rules admit the person.
 */
@ApplicationScoped
public class WhatIfService {

    public static final String ALLOW = "allow";
    public static final String DENY = "deny";
    /** Both sides admit, but the application requires MFA the request does not bring (or is not trusted for). */
    public static final String MFA_REQUIRED = "mfa-required";
    public static final String ALLOWED = "allowed";
    public static final String BLOCKED = "blocked";
    /** Most groups of a person: the gateway reads at most this many from a home token's {@code groups} claim. */
    public static final int MAX_GROUPS = 200;

    /** Which tenant {tenant} is: the resource tenant (inbound) or the home tenant (outbound). */
    public enum Direction { INBOUND, OUTBOUND }

    /**
     * The person: canonical email (or null: none vouched), home subject and home groups (null at the invitation
     * stage, where only the email is known).
     */
    public record Person(String email, String subject, List<String> groups) {
    }

    /**
     * The asking tenant's configuration as it would be.
     *
     * @param partner  the partner the configuration is for, or null for the tenant's default
     * @param settings the configuration (strictly parsed), or null: the partner configuration deleted
     */
    public record Proposal(String partner, AccessSettings settings) {
    }

    /**
     * One hypothetical request, validated.
     *
     * @param tenant               the asking tenant ({tenant})
     * @param partner              the other tenant, never {@code tenant}
     * @param invitation           true: a new invitation request (collaboration only); false: a request at access
     * @param filedByResourceAdmin at the invitation stage, whether a resource admin (else a partner system) files
     * @param mfa                  at access, whether the home token satisfies MFA
     * @param compliantDevice      at access, whether the home token claims a compliant device
     * @param proposed             a configuration as it would be, or null for the current settings
     */
    public record Request(String tenant, Direction direction, String partner, Mode mode, boolean invitation,
                          Person user, String application, boolean filedByResourceAdmin, boolean mfa,
                          boolean compliantDevice, Proposal proposed) {
    }

    /**
     * The answer.
     *
     * @param decision        {@link #ALLOW}, {@link #DENY} or {@link #MFA_REQUIRED} (access only)
     * @param callerSide      the asking tenant's side, rule by rule
     * @param otherSide       {@link #ALLOWED} or {@link #BLOCKED}: nothing more of the other tenant
     * @param mfa             at access: MFA as the gateway weighs it; null at the invitation stage
     * @param compliantDevice at access: the device claim; null at the invitation stage
     * @param proposed        whether a proposed configuration was evaluated
     * @param policyVersions  the asking tenant's stored versions the answer is based on ({@code default},
     *                        {@code partner}; 0 = never set / none): a proposal's If-Match
     */
    public record Answer(String decision, CallerSide callerSide, String otherSide, Mfa mfa,
                         CompliantDevice compliantDevice, boolean proposed, Map<String, Long> policyVersions) {
    }

    /**
     * @param decision     {@link #ALLOWED} or {@link #BLOCKED}
     * @param decidingRule the first of its rules that refuses, or null (admitted, or refused because the application
     *                     is not registered)
     * @param reasons      in the asking tenant's words
     */
    public record CallerSide(String decision, DecidingRule decidingRule, List<String> reasons) {
    }

    /**
     * @param pointer the leaf's JSON pointer (RFC 6901) in a configuration, e.g. /inbound/collaboration/usersAndGroups
     * @param kind    the rule's kind ({@code allowed list}, {@code blocked all}, …) or the whoMayInvite value
     * @param source  where the effective leaf comes from: {@code partner}, {@code default} or {@code built-in}
     */
    public record DecidingRule(String pointer, String kind, String source) {
    }

    /**
     * @param required  whether the application requires MFA; null when the asking tenant is the home tenant and the
     *                  resource tenant's side does not admit (its registration is not the home tenant's to learn)
     * @param satisfied whether the home token satisfies MFA (as asked)
     * @param trusted   whether the resource tenant accepts the home tenant's MFA; null when the asking tenant is the
     *                  home tenant
     */
    public record Mfa(Boolean required, boolean satisfied, Boolean trusted) {
    }

    /**
     * @param claimed  whether the home token claims a compliant device (as asked)
     * @param trusted  whether the resource tenant accepts the claim; null when the asking tenant is the home tenant
     * @param asserted whether the federated token would carry {@code device_compliant: true} (allowed, claimed,
     *                 trusted); null when the asking tenant is the home tenant
     */
    public record CompliantDevice(boolean claimed, Boolean trusted, Boolean asserted) {
    }

    private final EvaluationInputsRepository inputs;
    private final EffectiveSettingsCache cache;
    private final AccessSettingsService settings;

    public WhatIfService(EvaluationInputsRepository inputs, EffectiveSettingsCache cache,
                         AccessSettingsService settings) {
        this.inputs = inputs;
        this.cache = cache;
        this.settings = settings;
    }

    /**
     * Answers a validated request from the stored settings (one read-only snapshot).
     *
     * @return the answer; fails when the database does, or with {@link IllegalStateException} when a stored
     *         configuration cannot be read back (a server fault, never the caller's)
     */
    public Uni<Answer> evaluate(Request request) {
        boolean inbound = request.direction() == Direction.INBOUND;
        String resource = inbound ? request.tenant() : request.partner();
        String home = inbound ? request.partner() : request.tenant();
        return inputs.read(resource, home, request.application()).map(read -> {
            String tenant = request.tenant();
            String partner = request.partner();
            StoredSettings ownDefault = read.configurations().get(key(tenant, PartnerConfiguration.DEFAULT));
            StoredSettings ownPartner = read.configurations().get(key(tenant, partner));
            CompiledSettings own = request.proposed() == null ? cache.compiled(tenant, partner, ownDefault, ownPartner)
                    : proposed(request.proposed(), ownDefault, ownPartner);
            CompiledSettings other = cache.compiled(partner, tenant,
                    read.configurations().get(key(partner, PartnerConfiguration.DEFAULT)),
                    read.configurations().get(key(partner, tenant)));
            return answer(request, own, other, read.registered(), read.requireMfa());
        });
    }

    /** The asking tenant's effective settings with the proposal in place of its default or partner configuration. */
    private CompiledSettings proposed(Proposal proposal, StoredSettings storedDefault, StoredSettings storedPartner) {
        AccessSettings tenantDefault = storedDefault == null ? AccessSettings.EMPTY
                : settings.read(storedDefault.settingsJson());
        AccessSettings partner = storedPartner == null ? AccessSettings.EMPTY
                : settings.read(storedPartner.settingsJson());
        if (proposal.partner() == null) {
            tenantDefault = proposal.settings();
        } else {
            partner = proposal.settings() == null ? AccessSettings.EMPTY : proposal.settings();
        }
        return CompiledSettings.compile(partner, tenantDefault, storedDefault == null ? 0 : storedDefault.version(),
                storedPartner == null ? 0 : storedPartner.version());
    }

    /**
     * The answer from compiled settings, a pure function (the evaluator's per-side verdicts, then the gateway's MFA
     * step).
     *
     * @param own        effective(tenant, partner), as proposed when a proposal was given
     * @param other      effective(partner, tenant), current
     * @param registered whether the resource tenant registered the application
     * @param requireMfa whether that registration requires MFA
     */
    static Answer answer(Request request, CompiledSettings own, CompiledSettings other, boolean registered,
                         boolean requireMfa) {
        boolean inbound = request.direction() == Direction.INBOUND;
        CompiledSettings resource = inbound ? own : other;
        CompiledSettings home = inbound ? other : own;
        String resourceTenant = inbound ? request.tenant() : request.partner();
        String homeTenant = inbound ? request.partner() : request.tenant();
        Person person = request.user();
        String email = person.email();
        String domain = email == null ? null : email.substring(email.lastIndexOf('@') + 1);
        Stage stage = request.invitation() ? Stage.DECISION : Stage.ACCESS;
        String subject = request.invitation() ? null : person.subject();
        List<String> groups = request.invitation() ? null : person.groups();

        Refusal resourceSide;
        if (request.invitation()) {
            resourceSide = AccessEvaluator.invitationRules(new Invitation(resourceTenant, homeTenant,
                    request.application(), email, domain, request.filedByResourceAdmin(), registered), resource);
        } else if (!registered) {
            resourceSide = Refusal.NOT_REGISTERED;
        } else if (request.mode() == Mode.COLLABORATION && domain != null
                && !AccessEvaluator.domainAdmits(resource, domain)) {
            // a guest's grant ends when the resource tenant's domain list no longer admits the invitee (issue #8)
            resourceSide = Refusal.DOMAIN;
        } else {
            resourceSide = Refusal.NONE;
        }
        if (resourceSide == Refusal.NONE) {
            resourceSide = AccessEvaluator.inbound(resource, request.mode(), stage, email, subject, groups,
                    request.application());
        }
        Refusal homeSide = AccessEvaluator.outbound(home, request.mode(), stage, email, subject, groups,
                request.application());

        boolean admitted = resourceSide == Refusal.NONE && homeSide == Refusal.NONE;
        boolean mfaTrusted = resource.mfaAccepted();
        boolean stepUp = !request.invitation() && admitted && requireMfa && !(request.mfa() && mfaTrusted);
        String decision = !admitted ? DENY : stepUp ? MFA_REQUIRED : ALLOW;

        Refusal callerRefusal = inbound ? resourceSide : homeSide;
        Refusal otherRefusal = inbound ? homeSide : resourceSide;
        List<String> reasons = new ArrayList<>();
        reasons(request, own, callerRefusal, resourceTenant, homeTenant, reasons);
        if (inbound && stepUp) {
            if (!request.mfa()) {
                reasons.add(request.application() + " requires MFA and the home token brings none");
            }
            if (!mfaTrusted) {
                reasons.add(request.application() + " requires MFA and " + resourceTenant + " does not accept "
                        + homeTenant + "'s MFA (" + AccessSettings.TRUST_MFA + ": false, "
                        + own.source(AccessSettings.TRUST_MFA).wire() + ")");
            }
        }
        CallerSide caller = new CallerSide(callerRefusal == Refusal.NONE ? ALLOWED : BLOCKED,
                decidingRule(request, own, callerRefusal), List.copyOf(reasons));

        Mfa mfa = null;
        CompliantDevice device = null;
        if (!request.invitation()) {
            // the home tenant learns the MFA requirement only where the gateway would show it: once R's rules admit
            Boolean required = inbound || otherRefusal == Refusal.NONE ? registered && requireMfa : null;
            mfa = new Mfa(required, request.mfa(), inbound ? mfaTrusted : null);
            boolean deviceTrusted = resource.compliantDeviceAccepted();
            device = new CompliantDevice(request.compliantDevice(), inbound ? deviceTrusted : null,
                    inbound ? ALLOW.equals(decision) && request.compliantDevice() && deviceTrusted : null);
        }
        Map<String, Long> versions = new LinkedHashMap<>();
        versions.put("default", own.defaultVersion());
        versions.put("partner", own.partnerVersion());
        return new Answer(decision, caller, otherRefusal == Refusal.NONE ? ALLOWED : BLOCKED, mfa, device,
                request.proposed() != null, versions);
    }

    /** The asking tenant's refusing leaf with its kind and source, or null. */
    private static DecidingRule decidingRule(Request request, CompiledSettings own, Refusal refusal) {
        String leaf = leaf(request, refusal);
        if (leaf == null) {
            return null;
        }
        String kind = refusal == Refusal.WHO_MAY_INVITE ? own.whoMayInvite.wire() : rule(own, leaf).describe();
        return new DecidingRule(leaf, kind, own.source(leaf).wire());
    }

    /** The leaf of the asking tenant's configuration a refusal names (null: none, or not a settings leaf). */
    private static String leaf(Request request, Refusal refusal) {
        boolean inbound = request.direction() == Direction.INBOUND;
        boolean collaboration = request.mode() == Mode.COLLABORATION;
        return switch (refusal) {
            case WHO_MAY_INVITE -> AccessSettings.WHO_MAY_INVITE;
            case DOMAIN -> AccessSettings.DOMAINS;
            case USERS -> inbound ? (collaboration ? AccessSettings.IN_COLLAB_USERS : AccessSettings.IN_DC_USERS)
                    : (collaboration ? AccessSettings.OUT_COLLAB_USERS : AccessSettings.OUT_DC_USERS);
            case APPLICATIONS -> inbound ? (collaboration ? AccessSettings.IN_COLLAB_APPS : AccessSettings.IN_DC_APPS)
                    : (collaboration ? AccessSettings.OUT_COLLAB_APPS : AccessSettings.OUT_DC_APPS);
            default -> null;
        };
    }

    private static CompiledRule rule(CompiledSettings settings, String leaf) {
        return switch (leaf) {
            case AccessSettings.IN_COLLAB_USERS -> settings.inboundCollaborationUsers;
            case AccessSettings.IN_COLLAB_APPS -> settings.inboundCollaborationApplications;
            case AccessSettings.IN_DC_USERS -> settings.inboundDirectConnectUsers;
            case AccessSettings.IN_DC_APPS -> settings.inboundDirectConnectApplications;
            case AccessSettings.OUT_COLLAB_USERS -> settings.outboundCollaborationUsers;
            case AccessSettings.OUT_COLLAB_APPS -> settings.outboundCollaborationApplications;
            case AccessSettings.OUT_DC_USERS -> settings.outboundDirectConnectUsers;
            case AccessSettings.OUT_DC_APPS -> settings.outboundDirectConnectApplications;
            case AccessSettings.DOMAINS -> settings.domains;
            default -> throw new IllegalArgumentException("not a rule: " + leaf);
        };
    }

    /** The asking tenant's side in its own words: its refusing rule, or what admits; nothing of the other side. */
    private static void reasons(Request request, CompiledSettings own, Refusal refusal, String resourceTenant,
                                String homeTenant, List<String> reasons) {
        boolean inbound = request.direction() == Direction.INBOUND;
        String mode = request.mode() == Mode.COLLABORATION ? "collaboration" : "direct connect";
        String scope = inbound ? resourceTenant + " inbound " + mode + " from " + homeTenant
                : homeTenant + " outbound " + mode + " to " + resourceTenant;
        String person = describe(request.user(), request.invitation());
        String leaf = leaf(request, refusal);
        String rule = leaf == null ? "" : " (" + leaf + ": " + decidingRule(request, own, refusal).kind() + ", "
                + own.source(leaf).wire() + ")";
        switch (refusal) {
            case NOT_REGISTERED -> reasons.add("application " + request.application() + " is not registered by "
                    + resourceTenant);
            case WHO_MAY_INVITE -> reasons.add(resourceTenant + "'s invitation rules" + rule + " do not let "
                    + (request.filedByResourceAdmin() ? "anyone" : "a partner system") + " invite");
            case DOMAIN -> {
                String email = request.user().email();
                reasons.add("domain " + email.substring(email.lastIndexOf('@') + 1) + " is not allowed by "
                        + resourceTenant + "'s invitation rules" + rule);
            }
            case USERS -> reasons.add(scope + " does not admit " + person + rule);
            case APPLICATIONS -> reasons.add(scope + " does not admit application " + request.application() + rule);
            default -> {
                if (inbound && request.invitation()) {
                    reasons.add(resourceTenant + "'s invitation rules admit the request");
                }
                reasons.add(scope + " admits " + person + " and application " + request.application());
                if (inbound && request.invitation() && own.approvalRequired()) {
                    // allowed then waits in pending_approval, as decided.v1's approvalRequired says
                    reasons.add(resourceTenant + " requires an admin's approval (" + AccessSettings.APPROVAL_REQUIRED
                            + ": true, " + own.source(AccessSettings.APPROVAL_REQUIRED).wire() + ")");
                }
            }
        }
    }

    private static String describe(Person person, boolean invitation) {
        if (person.email() != null) {
            return person.email();
        }
        if (!invitation && person.subject() != null) {
            return "home subject " + person.subject();
        }
        return "a person without a vouched email";
    }
}
