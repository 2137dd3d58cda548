package org.crosstenant.policy.service;

import org.crosstenant.policy.model.CollaborationRules;
import org.crosstenant.policy.model.PartnerSettings;
import org.crosstenant.policy.model.TargetRule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The collaboration decision, free of I/O so every rule is unit-testable: the application must be registered by
 * the resource tenant, and both the resource tenant's inbound and the home tenant's outbound partner configuration
 * must admit the invitee and the application. Anything missing is blocked. Reasons name tenant, direction and rule
 * kind, never a rule's targets (reasons are shown to the other tenant too).
 */
public final class PolicyEvaluator {

    public static final String ALLOW = "allow";
    public static final String DENY = "deny";

    private PolicyEvaluator() {
    }

    /** What is being asked: may {@code inviteeEmail} of {@code homeTenant} use {@code application} of {@code resourceTenant}? */
    public record Request(String resourceTenant, String homeTenant, String application, String inviteeEmail) {
    }

    /** A partner configuration together with its version, as stored. */
    public record VersionedSettings(PartnerSettings settings, long version) {
    }

    public record Evaluation(String outcome, List<String> reasons, Map<String, Long> policyVersions) {
        public boolean allowed() {
            return ALLOW.equals(outcome);
        }
    }

    private enum Direction {
        INBOUND("inbound", "from", PartnerSettings::inbound),
        OUTBOUND("outbound", "to", PartnerSettings::outbound);

        final String label;
        final String preposition;
        final Function<PartnerSettings, CollaborationRules> rules;

        Direction(String label, String preposition, Function<PartnerSettings, CollaborationRules> rules) {
            this.label = label;
            this.preposition = preposition;
            this.rules = rules;
        }
    }

    /**
     * @param applicationRegistered whether the resource tenant registered the application
     * @param inbound               the resource tenant's configuration for the home tenant, if any
     * @param outbound              the home tenant's configuration for the resource tenant, if any
     */
    public static Evaluation evaluate(Request request, boolean applicationRegistered,
                                      Optional<VersionedSettings> inbound, Optional<VersionedSettings> outbound) {
        List<String> admitted = new ArrayList<>();
        List<String> refused = new ArrayList<>();

        Map<String, Long> versions = new LinkedHashMap<>();
        versions.put(request.resourceTenant(), inbound.map(VersionedSettings::version).orElse(0L));
        if (!request.homeTenant().equals(request.resourceTenant())) {
            versions.put(request.homeTenant(), outbound.map(VersionedSettings::version).orElse(0L));
        } else {
            refused.add("invitee tenant " + request.homeTenant() + " is the resource tenant itself: "
                    + "cross-tenant collaboration needs two different tenants");
        }

        if (applicationRegistered) {
            admitted.add(request.resourceTenant() + " has registered application " + request.application());
        } else {
            refused.add("application " + request.application() + " is not registered by " + request.resourceTenant());
        }

        check(request.resourceTenant(), request.homeTenant(), Direction.INBOUND, inbound, request, admitted, refused);
        check(request.homeTenant(), request.resourceTenant(), Direction.OUTBOUND, outbound, request, admitted, refused);

        return refused.isEmpty()
                ? new Evaluation(ALLOW, List.copyOf(admitted), Map.copyOf(versions))
                : new Evaluation(DENY, List.copyOf(refused), Map.copyOf(versions));
    }

    /**
     * The decision when an input of {@link #evaluate} could not be read back from the database (a stored partner
     * configuration the strict parser refuses): always {@link #DENY}, with the given reasons, never a retry.
     *
     * @param reasons         one per unreadable input, naming which (e.g. "the resource tenant's access settings
     *                        could not be read"), never its content
     * @param inboundVersion  stored version of the resource tenant's configuration for the home tenant (0 when none)
     * @param outboundVersion stored version of the home tenant's configuration for the resource tenant (0 when none)
     */
    public static Evaluation unreadable(Request request, List<String> reasons, long inboundVersion,
                                        long outboundVersion) {
        Map<String, Long> versions = new LinkedHashMap<>();
        versions.put(request.resourceTenant(), inboundVersion);
        versions.putIfAbsent(request.homeTenant(), outboundVersion);
        return new Evaluation(DENY, List.copyOf(reasons), Map.copyOf(versions));
    }

    private static void check(String owner, String partner, Direction direction, Optional<VersionedSettings> config,
                              Request request, List<String> admitted, List<String> refused) {
        String scope = owner + " " + direction.label + " collaboration " + direction.preposition + " " + partner;
        if (config.isEmpty()) {
            refused.add(owner + " has no partner configuration for " + partner + ", so " + direction.label
                    + " collaboration " + direction.preposition + " " + partner + " is blocked by default");
            return;
        }
        CollaborationRules rules = direction.rules.apply(config.get().settings());
        if (rules == null) {
            refused.add(owner + " partner configuration for " + partner + " has no " + direction.label
                    + " collaboration rules, so " + scope + " is blocked by default");
            return;
        }
        rule(scope, "users", rules.users(), request.inviteeEmail(), admitted, refused);
        rule(scope, "applications", rules.applications(), "application " + request.application(),
                request.application(), admitted, refused);
    }

    private static void rule(String scope, String kind, TargetRule rule, String value,
                             List<String> admitted, List<String> refused) {
        rule(scope, kind, rule, value, value, admitted, refused);
    }

    private static void rule(String scope, String kind, TargetRule rule, String label, String value,
                             List<String> admitted, List<String> refused) {
        if (rule == null) {
            refused.add(scope + " has no " + kind + " rule, so it does not admit " + label + " (blocked by default)");
        } else if (rule.admits(value)) {
            admitted.add(scope + " admits " + label + " (" + kind + ": " + rule.describe() + ")");
        } else {
            refused.add(scope + " does not admit " + label + " (" + kind + ": " + rule.describe() + ")");
        }
    }
}
