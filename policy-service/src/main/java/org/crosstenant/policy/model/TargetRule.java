package org.crosstenant.policy.model;

import java.util.List;

/**
 * One rule of a partner configuration: {@code access} applied to {@code all} or to a list of targets
 * (user emails or application ids). Allowed+list admits only the listed, blocked+list everyone but the listed,
 * blocked+all no one.
 */
public record TargetRule(Access access, boolean all, List<String> targets) {

    public TargetRule {
        targets = all ? List.of() : List.copyOf(targets);
    }

    public boolean admits(String value) {
        boolean listed = all || targets.contains(value);
        return access == Access.ALLOWED ? listed : !listed;
    }

    /**
     * e.g. "allowed all", "blocked list": the rule's kind only. Never the targets: reasons reach the other tenant,
     * the invitee and auditors, and must not reveal a tenant's partner configuration.
     */
    public String describe() {
        return access.wire() + " " + (all ? "all" : "list");
    }

    public List<String> wireTargets() {
        return all ? List.of("all") : targets;
    }
}
