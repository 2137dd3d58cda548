package org.crosstenant.gateway.service;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.crosstenant.gateway.config.TenantsConfig;
import org.crosstenant.gateway.model.AccessDecision;
import org.crosstenant.gateway.model.AccessSettings;
import org.crosstenant.gateway.model.FederatedIdentity;
import org.crosstenant.gateway.model.Person;
import org.crosstenant.gateway.repository.LocalView;

/**
 * Who may reach a registered application (docs/api.md, "Direct connect and MFA"): its own tenant's members; a caller
 * of another tenant with an active grant (guest) while both tenants' effective collaboration settings still admit
 * them and the resource tenant's invitation domain list still admits the grant's invitee address; a caller without grant while both tenants' effective direct-connect settings admit them. Then, for an
 * application that requires MFA, only a caller whose home token satisfies MFA and, for a non-member, whose home
 * tenant's MFA the resource tenant accepts. Shared applications admit people only: a non-member whose home token
 * is a client's own ({@link FederatedIdentity#isClient()}, markers in {@link ClientTokens}) or a partner system's is
 * refused whatever the settings. Everything comes from the local view: no remote call per request.
 */
@ApplicationScoped
public class AccessPolicy {

    /** {@code amr} values (RFC 8176) that satisfy MFA whatever the tenant's acr values. */
    static final Set<String> MFA_METHODS = Set.of("mfa", "otp");

    /** The role of a tenant's partner systems (machine clients that file collaboration requests). */
    public static final String PARTNER_SYSTEM_ROLE = "collab-partner";

    private final LocalView view;
    private final Clock clock;
    /** Home tenant → its acr values that mean MFA (first = the one a challenge asks for). */
    private final Map<String, List<String>> mfaAcrValues;

    @Inject
    public AccessPolicy(LocalView view, TenantsConfig tenants) {
        this(view, Clock.systemUTC(), mfaAcrValues(tenants));
    }

    AccessPolicy(LocalView view, Clock clock, Map<String, List<String>> mfaAcrValues) {
        this.view = view;
        this.clock = clock;
        this.mfaAcrValues = Map.copyOf(mfaAcrValues);
    }

    /** Outside CDI (tests): the view, and each tenant's MFA acr values. */
    public static AccessPolicy forTests(LocalView view, Map<String, List<String>> mfaAcrValues) {
        return new AccessPolicy(view, Clock.systemUTC(), mfaAcrValues);
    }

    private static Map<String, List<String>> mfaAcrValues(TenantsConfig tenants) {
        Map<String, List<String>> values = new HashMap<>();
        tenants.tenants().forEach((tenant, t) -> values.put(tenant, List.copyOf(t.mfaAcrValues().orElse(List.of()))));
        return values;
    }

    /**
     * Decides one request. Reasons follow issue #7: a non-member (always of the home side at {@code /apps}) reads the
     * deciding rule of its own tenant and, for the resource tenant, only that it refused ({@link #refusedBy}, and for
     * MFA {@link #mfaRequiredBy}: one text whether the resource tenant does not accept the home tenant's MFA or the
     * token carries none). The reason is the 401 detail and the {@code gateway.access} event's reason, which both
     * tenants' security teams read, so it never names a setting of the resource tenant.
     *
     * @param caller the verified caller
     * @param resourceTenant the tenant that owns the application
     * @param application the application id
     * @param requireMfa whether the application requires MFA (false for an application the view does not know)
     * @return the decision: allowed (with what the federated token may assert), a 403 refusal, or an MFA step-up
     *         refusal ({@link AccessDecision#isStepUp()}, answered 401 per RFC 9470)
     */
    public AccessDecision decide(FederatedIdentity caller, String resourceTenant, String application,
            boolean requireMfa) {
        String home = caller.tenant();
        boolean member = home.equals(resourceTenant);
        if (!member && caller.isClient()) {
            // guests and direct connect admit people: a client's own token (client credentials) is no one
            return AccessDecision.denied(home + " client " + caller.client()
                    + " has a token of its own, no person's; shared applications admit people");
        }
        if (!member && caller.roles().contains(PARTNER_SYSTEM_ROLE)) {
            // the same for a partner system whose token a marker does not show as a client's
            return AccessDecision.denied(home + " partner systems (role " + PARTNER_SYSTEM_ROLE
                    + ") use the API; shared applications admit people");
        }
        AccessSettings inbound = member ? null : view.effective(resourceTenant, home);
        AccessDecision admitted = member ? AccessDecision.member() : admit(caller, resourceTenant, application, inbound);
        if (!admitted.allowed()) {
            return admitted;
        }
        boolean homeMfa = mfaSatisfied(caller);
        boolean mfaTrusted = member || inbound.mfaAccepted();
        if (requireMfa && !(homeMfa && mfaTrusted)) {
            String acr = String.join(" ", mfaAcrValues.getOrDefault(home, List.of()).stream().limit(1).toList());
            return admitted.stepUp(member
                    ? resourceTenant + " requires MFA for " + application + ": sign in at " + home
                            + " with a second factor"
                    : mfaRequiredBy(resourceTenant, application), acr);
        }
        return admitted.withAssurance(homeMfa && mfaTrusted,
                caller.deviceCompliant() && (member || inbound.compliantDeviceAccepted()));
    }

    /**
     * What a non-member reads when a rule of the resource tenant refused it (inbound collaboration or direct connect
     * settings): only that the resource tenant refused, never which rule.
     */
    static String refusedBy(String resourceTenant, String application) {
        return resourceTenant + " refused access to " + application;
    }

    /**
     * What a non-member reads when the application requires MFA: the same whether the resource tenant does not accept
     * the home tenant's MFA (its inbound trust) or the home token carries no MFA.
     */
    static String mfaRequiredBy(String resourceTenant, String application) {
        return application + " requires MFA that " + resourceTenant + " accepts";
    }

    private AccessDecision admit(FederatedIdentity caller, String resourceTenant, String application,
            AccessSettings inbound) {
        String home = caller.tenant();
        AccessSettings outbound = view.effective(home, resourceTenant);
        Person person = new Person(caller.email(), caller.subject(), caller.groups());
        Instant now = clock.instant();
        var grant = view.activeGrant(home, caller.subject(), resourceTenant, application, now);
        // the home tenant's own (outbound) rule first: the caller's side can send requests at will, and if the
        // resource tenant's rule came first, toggling its own rule would show in the reason whether the resource
        // tenant's rule admits a person — one bit of the other side's settings per probe (issue #7)
        if (grant.isPresent()) {
            if (!AccessEvaluator.admits(outbound.outboundCollaboration(), person, application)) {
                return AccessDecision.denied(home + " outbound settings blocked it");
            }
            if (!AccessEvaluator.admits(inbound.inboundCollaboration(), person, application)) {
                return AccessDecision.denied(refusedBy(resourceTenant, application));
            }
            // the resource tenant's invitation domain list holds for redeemed guests too (issue #8), on the address
            // the invitation was filed for: fixed in the grant, so a token without a vouched email cannot pass a
            // deny list, and the same input policy-service re-evaluates grants with
            if (inbound.invitationDomains() != null
                    && !inbound.invitationDomains().admits(grant.get().inviteeDomain())) {
                return AccessDecision.denied(refusedBy(resourceTenant, application));
            }
            return AccessDecision.guest(grant.get().invitationId());
        }
        if (!AccessEvaluator.admits(outbound.outboundDirectConnect(), person, application)) {
            return AccessDecision.denied("no active guest grant, and " + home + " outbound settings blocked it");
        }
        if (!AccessEvaluator.admits(inbound.inboundDirectConnect(), person, application)) {
            return AccessDecision.denied(refusedBy(resourceTenant, application));
        }
        return AccessDecision.directConnectUser();
    }

    /** The home token satisfies MFA: its acr is one of the home tenant's MFA values, or its amr names mfa or otp. */
    boolean mfaSatisfied(FederatedIdentity caller) {
        if (caller.acr() != null && mfaAcrValues.getOrDefault(caller.tenant(), List.of()).contains(caller.acr())) {
            return true;
        }
        for (String method : caller.amr()) {
            if (MFA_METHODS.contains(method)) {
                return true;
            }
        }
        return false;
    }
}
