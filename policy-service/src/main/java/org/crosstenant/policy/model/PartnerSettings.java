package org.crosstenant.policy.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The minimal v1 partner configuration: collaboration rules per direction. A null direction means blocked
 * (secure by default).
 */
public record PartnerSettings(CollaborationRules inbound, CollaborationRules outbound) {

    /** The wire form (as docs/api.md shows it), absent directions and rules omitted. */
    public Map<String, Object> toWire() {
        Map<String, Object> wire = new LinkedHashMap<>();
        if (inbound != null) {
            wire.put("inbound", direction(inbound));
        }
        if (outbound != null) {
            wire.put("outbound", direction(outbound));
        }
        return wire;
    }

    private static Map<String, Object> direction(CollaborationRules rules) {
        Map<String, Object> collaboration = new LinkedHashMap<>();
        if (rules.users() != null) {
            collaboration.put("users", rule(rules.users()));
        }
        if (rules.applications() != null) {
            collaboration.put("applications", rule(rules.applications()));
        }
        return Map.of("collaboration", collaboration);
    }

    private static Map<String, Object> rule(TargetRule rule) {
        Map<String, Object> wire = new LinkedHashMap<>();
        wire.put("access", rule.access().wire());
        wire.put("targets", List.copyOf(rule.wireTargets()));
        return wire;
    }
}
