package org.crosstenant.policy.service;

import com.fasterxml.jackson.databind.JsonNode;
import org.crosstenant.policy.model.Access;
import org.crosstenant.policy.model.CollaborationRules;
import org.crosstenant.policy.model.Identifiers;
import org.crosstenant.policy.model.PartnerSettings;
import org.crosstenant.policy.model.TargetRule;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Strict reader of the minimal v1 partner configuration (docs/api.md). Unknown fields, unknown access values,
 * empty or mixed targets are rejected rather than guessed, since a lenient reading of an access rule could let
 * someone in. Used for request bodies and for stored settings alike.
 */
public final class PartnerSettingsParser {

    private static final Set<String> TOP = Set.of("inbound", "outbound");
    private static final Set<String> DIRECTION = Set.of("collaboration");
    private static final Set<String> COLLABORATION = Set.of("users", "applications");
    private static final Set<String> RULE = Set.of("access", "targets");

    private PartnerSettingsParser() {
    }

    public static PartnerSettings parse(JsonNode body) {
        List<String> violations = new ArrayList<>();
        if (body == null || !body.isObject()) {
            throw new InvalidInputException("the partner configuration must be a JSON object");
        }
        unknownFields(body, TOP, "", violations);
        CollaborationRules inbound = direction(body.get("inbound"), "inbound", violations);
        CollaborationRules outbound = direction(body.get("outbound"), "outbound", violations);
        if (!violations.isEmpty()) {
            throw new InvalidInputException(violations);
        }
        return new PartnerSettings(inbound, outbound);
    }

    private static CollaborationRules direction(JsonNode node, String path, List<String> violations) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            violations.add(path + " must be an object");
            return null;
        }
        unknownFields(node, DIRECTION, path + ".", violations);
        JsonNode collaboration = node.get("collaboration");
        if (collaboration == null || collaboration.isNull()) {
            return null;
        }
        String collaborationPath = path + ".collaboration";
        if (!collaboration.isObject()) {
            violations.add(collaborationPath + " must be an object");
            return null;
        }
        unknownFields(collaboration, COLLABORATION, collaborationPath + ".", violations);
        TargetRule users = rule(collaboration.get("users"), collaborationPath + ".users", true, violations);
        TargetRule applications = rule(collaboration.get("applications"), collaborationPath + ".applications", false,
                violations);
        return new CollaborationRules(users, applications);
    }

    private static TargetRule rule(JsonNode node, String path, boolean users, List<String> violations) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            violations.add(path + " must be an object");
            return null;
        }
        unknownFields(node, RULE, path + ".", violations);
        Access access = null;
        JsonNode accessNode = node.get("access");
        if (accessNode == null || !accessNode.isTextual()) {
            violations.add(path + ".access is required and must be \"allowed\" or \"blocked\"");
        } else if ("allowed".equals(accessNode.asText())) {
            access = Access.ALLOWED;
        } else if ("blocked".equals(accessNode.asText())) {
            access = Access.BLOCKED;
        } else {
            violations.add(path + ".access must be \"allowed\" or \"blocked\", not \"" + accessNode.asText() + "\"");
        }

        JsonNode targetsNode = node.get("targets");
        if (targetsNode == null || !targetsNode.isArray() || targetsNode.isEmpty()) {
            violations.add(path + ".targets must be a non-empty array: [\"all\"] or a list of "
                    + (users ? "user emails" : "application ids"));
            return null;
        }
        Set<String> targets = new LinkedHashSet<>();
        boolean all = false;
        for (JsonNode target : targetsNode) {
            if (!target.isTextual() || target.asText().isBlank()) {
                violations.add(path + ".targets must contain non-blank strings only");
                return null;
            }
            String value = target.asText().trim();
            if ("all".equals(value)) {
                all = true;
            } else if (users) {
                if (Identifiers.isEmail(value)) {
                    targets.add(Identifiers.normaliseEmail(value));
                } else {
                    violations.add(path + ".targets: \"" + value + "\" is not an email address");
                }
            } else if (Identifiers.isId(value)) {
                targets.add(value);
            } else {
                violations.add(path + ".targets: \"" + value + "\" is not an application id ("
                        + Identifiers.ID.pattern() + ")");
            }
        }
        if (all && !targets.isEmpty()) {
            violations.add(path + ".targets: \"all\" cannot be combined with a list");
            return null;
        }
        return access == null ? null : new TargetRule(access, all, new ArrayList<>(targets));
    }

    private static void unknownFields(JsonNode node, Set<String> known, String prefix, List<String> violations) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                violations.add("unknown field " + prefix + name + " (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }
}
