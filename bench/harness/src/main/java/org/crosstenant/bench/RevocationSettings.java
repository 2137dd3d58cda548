package org.crosstenant.bench;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The one settings member the revocation part changes: Contoso's inbound {@code collaboration.applications} rule for
 * Fabrikam (docs/api.md, "Cross-tenant access settings"). The part admits a round's applications by adding them to
 * that rule's {@code allowed} list and ends one grant per change by taking its application off the list again; every
 * other member of the stored configuration is sent back as it was read.
 */
final class RevocationSettings {

    /** The rule's pointer in a settings document, for messages. */
    static final String POINTER = "/inbound/collaboration/applications";

    private RevocationSettings() {
    }

    /**
     * The application ids of the rule when it is an {@code allowed} list.
     *
     * @param settings a stored configuration ({@code settings} of {@code GET …/partners/{partner}})
     * @return the listed ids in their order
     * @throws IllegalStateException when the rule is absent, {@code blocked}, or {@code ["all"]}: removing an entry
     *         would then not end exactly one grant
     */
    static List<String> allowedApplications(JsonNode settings) {
        JsonNode rule = settings.path("inbound").path("collaboration").path("applications");
        if (!rule.path("access").asText("").equals("allowed") || !rule.path("targets").isArray()) {
            throw new IllegalStateException(POINTER + " is not an allowed list: " + rule);
        }
        List<String> targets = new ArrayList<>();
        for (JsonNode target : rule.path("targets")) {
            if (!target.isTextual() || target.asText().equals("all")) {
                throw new IllegalStateException(POINTER + " is not a list of application ids: " + rule);
            }
            targets.add(target.asText());
        }
        return targets;
    }

    /**
     * A copy of the settings whose rule is {@code {"access": "allowed", "targets": applications}}.
     *
     * @param settings a stored configuration, not changed
     * @param applications the ids to allow (non-empty: the API refuses an empty list)
     * @return the document to PUT
     * @throws IllegalArgumentException for an empty list
     */
    static ObjectNode withAllowedApplications(JsonNode settings, List<String> applications) {
        if (applications.isEmpty()) {
            throw new IllegalArgumentException("an allowed list needs at least one application");
        }
        ObjectNode copy = settings.isObject() ? ((ObjectNode) settings).deepCopy() : Api.JSON.createObjectNode();
        ObjectNode collaboration = child(child(copy, "inbound"), "collaboration");
        ObjectNode rule = collaboration.putObject("applications");
        rule.put("access", "allowed");
        ArrayNode targets = rule.putArray("targets");
        applications.forEach(targets::add);
        return copy;
    }

    private static ObjectNode child(ObjectNode parent, String name) {
        JsonNode existing = parent.get(name);
        return existing instanceof ObjectNode object ? object : parent.putObject(name);
    }
}
