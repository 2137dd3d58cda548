package org.crosstenant.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A test-side check of an OCSF event against the required attributes of its class, written from the OCSF schema
 * (ocsf-schema, unchanged since 1.1; notes in the issue #9 research): the base event's, and those of Authentication
 * (3002), Account Change (3001) and API Activity (6003), with the enum ranges and the uid formulas.
 */
final class OcsfSchema {

    private static final List<String> BASE = List.of("activity_id", "category_uid", "class_uid", "metadata",
            "severity_id", "time", "type_uid");
    private static final Map<Integer, Set<Integer>> ACTIVITIES = Map.of(
            3002, Set.of(0, 1, 2, 3, 4, 5, 6, 7, 99),
            3001, Set.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 99),
            6003, Set.of(0, 1, 2, 3, 4, 99));
    private static final List<String> USER_ANY = List.of("account", "name", "uid");
    private static final List<String> ACTOR_ANY = List.of("user", "process", "session", "app_name", "app_uid",
            "iam_role", "invoked_by");
    private static final List<String> ENDPOINT_ANY = List.of("ip", "uid", "name", "hostname", "svc_name",
            "instance_uid", "interface_uid", "interface_name", "domain");

    private OcsfSchema() {
    }

    /** @return what the event violates; empty when it is valid */
    static List<String> violations(JsonNode event) {
        List<String> errors = new ArrayList<>();
        for (String field : BASE) {
            if (!event.hasNonNull(field)) {
                errors.add("missing " + field);
            }
        }
        if (!errors.isEmpty()) {
            return errors;
        }
        for (String field : List.of("activity_id", "category_uid", "class_uid", "severity_id", "time", "type_uid")) {
            if (!event.get(field).isIntegralNumber()) {
                errors.add(field + " is not an integer");
            }
        }
        int classUid = event.get("class_uid").intValue();
        int activity = event.get("activity_id").intValue();
        if (!ACTIVITIES.containsKey(classUid)) {
            errors.add("class_uid " + classUid + " is not 3001, 3002 or 6003");
            return errors;
        }
        if (!ACTIVITIES.get(classUid).contains(activity)) {
            errors.add("activity_id " + activity + " is not defined for " + classUid);
        }
        if (event.get("category_uid").intValue() != classUid / 1000) {
            errors.add("category_uid does not match class_uid");
        }
        if (event.get("type_uid").longValue() != classUid * 100L + activity) {
            errors.add("type_uid is not class_uid * 100 + activity_id");
        }
        if (!Set.of(0, 1, 2, 3, 4, 5, 6, 99).contains(event.get("severity_id").intValue())) {
            errors.add("severity_id out of range");
        }
        if (event.has("status_id") && !Set.of(0, 1, 2, 99).contains(event.get("status_id").intValue())) {
            errors.add("status_id out of range");
        }
        JsonNode metadata = event.get("metadata");
        if (!metadata.path("version").isTextual()) {
            errors.add("metadata.version missing");
        }
        if (!anyOf(metadata.path("product"), List.of("name", "uid"))) {
            errors.add("metadata.product needs name or uid");
        }
        switch (classUid) {
            case 3002 -> {
                if (!anyOf(event.path("user"), USER_ANY)) {
                    errors.add("3002 needs user with account, name or uid");
                }
                if (!event.hasNonNull("service") && !event.hasNonNull("dst_endpoint")) {
                    errors.add("3002 needs service or dst_endpoint");
                }
            }
            case 3001 -> {
                if (!anyOf(event.path("user"), USER_ANY)) {
                    errors.add("3001 needs user with account, name or uid");
                }
            }
            default -> {
                if (!anyOf(event.path("actor"), ACTOR_ANY)) {
                    errors.add("6003 needs actor with one of " + ACTOR_ANY);
                }
                if (!event.path("api").path("operation").isTextual()) {
                    errors.add("6003 needs api.operation");
                }
                if (!anyOf(event.path("src_endpoint"), ENDPOINT_ANY)) {
                    errors.add("6003 needs src_endpoint with one of " + ENDPOINT_ANY);
                }
            }
        }
        return errors;
    }

    private static boolean anyOf(JsonNode object, List<String> fields) {
        return object.isObject() && fields.stream().anyMatch(object::hasNonNull);
    }
}
