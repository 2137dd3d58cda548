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
import java.util.Set;

/**
 * Strict reader of the minimal v1 partner configuration (docs/api.md). Unknown fields, unknown access values,
 * empty or mixed targets are rejected rather than guessed, since a lenient reading of an access rule could let
 * someone in.
 * <p>
 * Two modes: {@link #parse} checks a request body completely, limits included (docs/api.md, "Limits"), on the
 * canonical values it returns for storage; {@link #readStored} reads stored settings back with the same structural
 * rules but without the size limits and target shapes, so that whatever any writer stored (also an older, looser one)
 * can always be read: a stored configuration never becomes a decision that cannot be made.
 */
public final class PartnerSettingsParser {

    /** Most distinct user emails in one {@code users.targets} list (after normalisation and de-duplication). */
    public static final int MAX_USER_TARGETS = 500;
    /** Most distinct application ids in one {@code applications.targets} list. */
    public static final int MAX_APPLICATION_TARGETS = 500;

    private static final Set<String> TOP = Set.of("inbound", "outbound");
    private static final Set<String> DIRECTION = Set.of("collaboration");
    private static final Set<String> COLLABORATION = Set.of("users", "applications");
    private static final Set<String> RULE = Set.of("access", "targets");

    private final boolean stored;
    private final Violations violations = new Violations();

    private PartnerSettingsParser(boolean stored) {
        this.stored = stored;
    }

    /**
     * Validates a request body and returns its canonical form (emails canonical per
     * {@link Identifiers#canonicalEmail}, duplicates removed, order kept).
     *
     * @param body the JSON body
     * @return the settings to store
     * @throws InvalidInputException (422) listing every violation; {@code field}/{@code limit} name the first
     *                               exceeded limit
     */
    public static PartnerSettings parse(JsonNode body) {
        return new PartnerSettingsParser(false).read(body);
    }

    /**
     * Reads stored settings (what {@link #parse} returned, or an older version stored): structure as strict as
     * {@link #parse}, email targets brought to the canonical form, no size limits or target shapes.
     *
     * @param stored the stored JSON
     * @return the settings
     * @throws InvalidInputException when the stored JSON does not have the v1 structure
     */
    public static PartnerSettings readStored(JsonNode stored) {
        return new PartnerSettingsParser(true).read(stored);
    }

    private PartnerSettings read(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidInputException("the partner configuration must be a JSON object");
        }
        unknownFields(body, TOP, "");
        CollaborationRules inbound = direction(body.get("inbound"), "inbound");
        CollaborationRules outbound = direction(body.get("outbound"), "outbound");
        violations.throwIfAny();
        return new PartnerSettings(inbound, outbound);
    }

    private CollaborationRules direction(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            violations.add(path + " must be an object");
            return null;
        }
        unknownFields(node, DIRECTION, path + ".");
        JsonNode collaboration = node.get("collaboration");
        if (collaboration == null || collaboration.isNull()) {
            return null;
        }
        String collaborationPath = path + ".collaboration";
        if (!collaboration.isObject()) {
            violations.add(collaborationPath + " must be an object");
            return null;
        }
        unknownFields(collaboration, COLLABORATION, collaborationPath + ".");
        TargetRule users = rule(collaboration.get("users"), collaborationPath + ".users", true);
        TargetRule applications = rule(collaboration.get("applications"), collaborationPath + ".applications", false);
        return new CollaborationRules(users, applications);
    }

    private TargetRule rule(JsonNode node, String path, boolean users) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            violations.add(path + " must be an object");
            return null;
        }
        unknownFields(node, RULE, path + ".");
        Access access = null;
        JsonNode accessNode = node.get("access");
        if (accessNode == null || !accessNode.isTextual()) {
            violations.add(path + ".access is required and must be \"allowed\" or \"blocked\"");
        } else if ("allowed".equals(accessNode.asText())) {
            access = Access.ALLOWED;
        } else if ("blocked".equals(accessNode.asText())) {
            access = Access.BLOCKED;
        } else {
            violations.add(path + ".access must be \"allowed\" or \"blocked\", not "
                    + Identifiers.echo(accessNode.asText()));
        }

        String targetsPath = path + ".targets";
        JsonNode targetsNode = node.get("targets");
        if (targetsNode == null || !targetsNode.isArray() || targetsNode.isEmpty()) {
            violations.add(targetsPath + " must be a non-empty array: [\"all\"] or a list of "
                    + (users ? "user emails" : "application ids"));
            return null;
        }
        Set<String> targets = new LinkedHashSet<>();
        boolean all = false;
        int index = 0;
        for (JsonNode target : targetsNode) {
            String itemPath = targetsPath + "[" + index++ + "]";
            if (!target.isTextual() || target.asText().isBlank()) {
                violations.add(targetsPath + " must contain non-blank strings only");
                return null;
            }
            String value = target.asText().strip();
            if ("all".equals(value)) {
                all = true;
            } else if (users) {
                String email = target(itemPath, Identifiers.canonicalEmail(value), value);
                if (email != null) {
                    targets.add(email);
                }
            } else if (stored || Identifiers.isId(value)) {
                targets.add(value);
            } else {
                violations.add(itemPath + ": " + Identifiers.echo(value) + " is not an application id ("
                        + Identifiers.ID.pattern() + ")");
            }
        }
        if (all && !targets.isEmpty()) {
            violations.add(targetsPath + ": \"all\" cannot be combined with a list");
            return null;
        }
        int max = users ? MAX_USER_TARGETS : MAX_APPLICATION_TARGETS;
        if (!stored && targets.size() > max) {
            violations.overLimit(targetsPath, max, targetsPath + " has " + targets.size() + " distinct "
                    + (users ? "emails" : "application ids") + "; the limit is " + max);
            return null;
        }
        return access == null ? null : new TargetRule(access, all, new ArrayList<>(targets));
    }

    /** The canonical email to keep, or null (a violation is recorded) when a written one is not acceptable. */
    private String target(String itemPath, String email, String given) {
        if (stored) {
            return email;
        }
        Identifiers.Refusal refusal = Identifiers.emailViolation(email);
        violations.add(itemPath, itemPath + ": " + Identifiers.echo(given), refusal);
        return refusal == null ? email : null;
    }

    private void unknownFields(JsonNode node, Set<String> known, String prefix) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                violations.add("unknown field " + prefix + (name.length() > 64 ? Identifiers.echo(name) : name) + " (known: "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }
}
