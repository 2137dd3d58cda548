package org.crosstenant.invitation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Field-name shape of a JSON document, for contract tests: {"a": {"b": 1}, "c": [{"d": 2}]} → a, a.b, c, c[].d. */
public final class JsonShape {

    static final ObjectMapper JSON = new ObjectMapper();

    private JsonShape() {
    }

    public static TreeSet<String> of(String json) {
        try {
            return of(JSON.readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static TreeSet<String> of(JsonNode node) {
        TreeSet<String> paths = new TreeSet<>();
        collect(node, "", paths);
        return paths;
    }

    public static TreeSet<String> ofExample(String type) {
        return of(example(type));
    }

    public static String example(String type) {
        try {
            return Files.readString(Path.of("src/main/resources/events/" + type + ".json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void collect(JsonNode node, String prefix, TreeSet<String> paths) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String path = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
                paths.add(path);
                collect(field.getValue(), path, paths);
            }
        } else if (node.isArray() && node.size() > 0) {
            collect(node.get(0), prefix + "[]", paths);
        }
    }
}
