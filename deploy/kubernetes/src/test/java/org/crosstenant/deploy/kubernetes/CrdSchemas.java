package org.crosstenant.deploy.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks custom resources against the structural OpenAPI v3 schemas of their CustomResourceDefinitions, the way an
 * API server with {@code fieldValidation=Strict} prunes and validates them (Kubernetes "Structural schemas"): a field
 * the schema does not declare is unknown unless the schema says {@code x-kubernetes-preserve-unknown-fields} or has
 * {@code additionalProperties}; types ({@code x-kubernetes-int-or-string} included), {@code enum} and {@code required}
 * are checked. Not checked: formats, patterns, minimum/maximum and CEL rules (the real API server's part, issue #10
 * item 3). Objects whose kind no loaded CRD defines are skipped.
 */
public final class CrdSchemas {

    private final Map<String, JsonNode> schemas = new HashMap<>();

    /**
     * @param crds CustomResourceDefinition objects
     */
    public CrdSchemas(List<? extends JsonNode> crds) {
        for (JsonNode crd : crds) {
            if (!"CustomResourceDefinition".equals(crd.path("kind").asText())) {
                continue;
            }
            String group = crd.path("spec").path("group").asText();
            String kind = crd.path("spec").path("names").path("kind").asText();
            for (JsonNode v : crd.path("spec").path("versions")) {
                schemas.put(group + "/" + v.path("name").asText() + "/" + kind, v.path("schema").path("openAPIV3Schema"));
            }
        }
    }

    /**
     * Loads every CRD of a directory tree ({@code *.yaml}, {@code *.yml}), read in place.
     *
     * @param dir the directory
     * @return the schemas
     * @throws IOException when a file cannot be read
     */
    public static CrdSchemas load(Path dir) throws IOException {
        List<ObjectNode> crds = new ArrayList<>();
        try (var files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().matches(".*\\.ya?ml")).sorted().toList()) {
                crds.addAll(Manifests.read(f).objects());
            }
        }
        return new CrdSchemas(crds);
    }

    /**
     * @param apiVersionKind e.g. {@code kafka.strimzi.io/v1beta2/KafkaTopic}
     * @return whether a loaded CRD defines it
     */
    public boolean defines(String apiVersionKind) {
        return schemas.containsKey(apiVersionKind);
    }

    /** @return how many group/version/kind schemas were loaded */
    public int size() {
        return schemas.size();
    }

    /**
     * @param m the rendered objects
     * @return the violations of the objects a loaded CRD defines, naming object and path
     */
    public List<String> check(Manifests m) {
        List<String> out = new ArrayList<>();
        for (ObjectNode o : m.objects()) {
            JsonNode schema = schemas.get(o.path("apiVersion").asText() + "/" + o.path("kind").asText());
            if (schema == null) {
                continue;
            }
            // apiVersion, kind and metadata are the API server's own (ObjectMeta), not the CRD's: anything here
            ObjectNode s = schema.deepCopy();
            ObjectNode props = s.path("properties") instanceof ObjectNode p ? p : s.putObject("properties");
            for (String own : List.of("apiVersion", "kind", "metadata")) {
                props.putObject(own);
            }
            validate(o, s, "", Manifests.id(o), out);
        }
        return out;
    }

    private static void validate(JsonNode value, JsonNode schema, String path, String id, List<String> out) {
        String where = path.isEmpty() ? "top level" : path;
        if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
            if (!value.isIntegralNumber() && !value.isTextual()) {
                out.add(id + " " + where + " must be an integer or a string");
            }
            return;
        }
        if (schema.has("enum")) {
            boolean found = false;
            for (JsonNode e : schema.path("enum")) {
                found |= e.equals(value) || e.asText().equals(value.asText()) && e.isTextual() == value.isTextual();
            }
            if (!found) {
                out.add(id + " " + where + " is " + value + ", not one of " + schema.path("enum"));
            }
        }
        String type = schema.path("type").asText("");
        switch (type) {
            case "object" -> {
                if (!value.isObject()) {
                    out.add(id + " " + where + " must be an object");
                    return;
                }
                for (JsonNode r : schema.path("required")) {
                    if (!value.has(r.asText())) {
                        out.add(id + " " + where + " lacks required field " + r.asText());
                    }
                }
                boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
                var fields = value.fields();
                while (fields.hasNext()) {
                    var f = fields.next();
                    String child = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
                    JsonNode sub = schema.path("properties").get(f.getKey());
                    if (sub != null) {
                        validate(f.getValue(), sub, child, id, out);
                    } else if (schema.path("additionalProperties").isObject()) {
                        validate(f.getValue(), schema.path("additionalProperties"), child, id, out);
                    } else if (!preserve && !schema.path("additionalProperties").asBoolean(false)) {
                        out.add(id + " has unknown field " + child);
                    }
                }
            }
            case "array" -> {
                if (!value.isArray()) {
                    out.add(id + " " + where + " must be an array");
                    return;
                }
                for (int i = 0; i < value.size(); i++) {
                    validate(value.get(i), schema.path("items"), path + "[" + i + "]", id, out);
                }
            }
            case "string" -> {
                if (!value.isTextual()) {
                    out.add(id + " " + where + " must be a string, is " + value);
                }
            }
            case "integer" -> {
                if (!value.isIntegralNumber()) {
                    out.add(id + " " + where + " must be an integer, is " + value);
                }
            }
            case "number" -> {
                if (!value.isNumber()) {
                    out.add(id + " " + where + " must be a number, is " + value);
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    out.add(id + " " + where + " must be a boolean, is " + value);
                }
            }
            default -> {
                // no type: anything (x-kubernetes-preserve-unknown-fields or an untyped schema)
            }
        }
    }
}
