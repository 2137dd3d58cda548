package org.crosstenant.deploy.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The objects of one rendered manifest (a multi-document YAML file as {@code helm template} writes it), read with
 * Jackson's YAML parser. Empty documents are skipped.
 *
 * @param objects the objects in file order
 */
public record Manifests(List<ObjectNode> objects) {

    /** The mapper the tests share (YAML in, tree model). */
    public static final ObjectMapper YAML = new YAMLMapper(new YAMLFactory());

    /**
     * Reads a rendered file.
     *
     * @param file a multi-document YAML file
     * @return its objects
     * @throws IOException when the file cannot be read or is not YAML
     */
    public static Manifests read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    /**
     * Parses multi-document YAML text.
     *
     * @param yaml the text
     * @return its objects (documents that are not mappings are skipped)
     * @throws IOException when the text is not YAML
     */
    public static Manifests parse(String yaml) throws IOException {
        List<ObjectNode> objects = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(yaml)) {
            var it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode node = it.next();
                if (node instanceof ObjectNode object && object.has("kind")) {
                    objects.add(object);
                }
            }
        }
        return new Manifests(List.copyOf(objects));
    }

    /**
     * @param kind an object kind, e.g. {@code Deployment}
     * @return the objects of that kind
     */
    public List<ObjectNode> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }

    /**
     * @param o an object
     * @return {@code Kind/name}, how violations name an object
     */
    public static String id(JsonNode o) {
        return o.path("kind").asText() + "/" + o.path("metadata").path("name").asText();
    }

    /**
     * A deep copy with extra objects appended (negative tests break a copy, never the rendered file).
     *
     * @param extra objects to append
     * @return the new set
     */
    public Manifests with(ObjectNode... extra) {
        List<ObjectNode> all = new ArrayList<>();
        objects.forEach(o -> all.add(o.deepCopy()));
        all.addAll(List.of(extra));
        return new Manifests(List.copyOf(all));
    }

    /** @return a deep copy that a test may change */
    public Manifests copy() {
        return with();
    }
}
