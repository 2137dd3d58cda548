package org.crosstenant.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The field names of a JSON document as paths ("registeredBy.email", "reasons[]"), to compare what is published
 * with the example files. Objects keyed by data (tenant ids in policyVersions) are compared as "object" only.
 */
final class JsonShape {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> DATA_KEYED = Set.of("policyVersions");

    private JsonShape() {
    }

    static Set<String> of(String json) {
        try {
            return of(JSON.readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Set<String> ofExample(String type) {
        try {
            return of(Files.readString(Path.of("src/main/resources/events/" + type + ".json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Set<String> of(JsonNode node) {
        Set<String> paths = new TreeSet<>();
        walk(node, "", paths);
        return paths;
    }

    private static void walk(JsonNode node, String path, Set<String> paths) {
        if (node.isObject()) {
            if (DATA_KEYED.contains(path)) {
                paths.add(path + "{}");
                return;
            }
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                String child = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                paths.add(child);
                walk(field.getValue(), child, paths);
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                walk(element, path + "[]", paths);
            }
        }
    }
}
