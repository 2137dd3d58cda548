package org.crosstenant.platform.model;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The families of hostile JSON a service must refuse with 400 {@code malformed-json}, generated from one valid body
 * of an endpoint so every endpoint is tested with its own members (a repeated {@code resourceTenant} at the end of a
 * filing body, a NUL in {@code invitee.email}, ...). Shared with the services' tests (this module's test jar).
 */
public final class HostileJson {

    /**
     * One hostile body.
     *
     * @param name    what it is, for test names
     * @param body    the bytes to send as {@code application/json}
     * @param pointer the JSON pointer the refusal must name as {@code field}, or null when not checked
     */
    public record Sample(String name, byte[] body, String pointer) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final ObjectMapper PLAIN = new ObjectMapper();
    private static final String MARK = "\uE000hostile\uE000";

    private HostileJson() {
    }

    /**
     * Every family, derived from a valid body.
     *
     * @param validObject a body the endpoint accepts: a JSON object with at least one member
     * @return the hostile variants: duplicates (first member repeated at the end, nested), NUL, unpaired surrogates
     *         and invalid UTF-8 in every string value and in a member name, nesting 33 deep, a 101-digit number,
     *         trailing content, and bodies that are not objects
     */
    public static List<Sample> variants(String validObject) {
        ObjectNode valid;
        try {
            valid = (ObjectNode) PLAIN.readTree(validObject);
        } catch (Exception e) {
            throw new IllegalArgumentException("not a JSON object: " + validObject, e);
        }
        String text = valid.toString();
        String head = text.substring(0, text.length() - 1);
        Map.Entry<String, JsonNode> first = valid.fields().next();
        List<Sample> samples = new ArrayList<>();
        samples.add(sample("first member repeated at the end",
                head + ",\"" + first.getKey() + "\":" + first.getValue() + "}", "/" + first.getKey()));
        samples.add(sample("first member repeated with the same value",
                "{\"" + first.getKey() + "\":" + first.getValue() + "," + text.substring(1), "/" + first.getKey()));
        samples.add(sample("duplicate in a nested object", head + ",\"extra\":{\"k\":1,\"k\":2}}", "/extra/k"));
        samples.add(sample("duplicate inside an array", head + ",\"extra\":[{},{\"k\":1,\"k\":1}]}", "/extra/1/k"));
        samples.add(sample("NUL in a member name", head + ",\"a\\u0000\":1}", "/a\\u0000"));
        samples.add(sample("unpaired surrogate in a member name", head + ",\"\\udbff\":1}", "/\\udbff"));
        samples.add(sample("nesting 33 deep", head + ",\"deep\":" + "[".repeat(32) + "]".repeat(32) + "}", null));
        samples.add(sample("101-digit number", head + ",\"n\":" + "7".repeat(101) + "}", "/n"));
        samples.add(sample("101-digit negative number", head + ",\"n\":-" + "7".repeat(101) + "}", "/n"));
        samples.add(sample("trailing object", text + " {}", ""));
        samples.add(sample("trailing garbage", text + "x", null));
        samples.add(sample("the body twice", text + text, ""));
        samples.add(sample("an array", "[" + text + "]", null));
        samples.add(sample("an empty array", "[]", null));
        samples.add(sample("a string", "\"" + first.getKey() + "\"", null));
        samples.add(sample("a number", "42", null));
        samples.add(sample("a boolean", "true", null));
        for (String pointer : stringLeaves(valid, "")) {
            samples.add(withLeaf(valid, pointer, "NUL at the end", bytes("\\u0000"), pointer));
            samples.add(withLeaf(valid, pointer, "NUL inside", bytes("a\\u0000b"), pointer));
            samples.add(withLeaf(valid, pointer, "lone high surrogate", bytes("x\\ud800y"), pointer));
            samples.add(withLeaf(valid, pointer, "lone low surrogate", bytes("\\udc00"), pointer));
            samples.add(withLeaf(valid, pointer, "reversed surrogate pair", bytes("\\ude00\\ud83d"), pointer));
            samples.add(withLeaf(valid, pointer, "high surrogate at the end", bytes("x\\ud83d"), pointer));
            samples.add(withLeaf(valid, pointer, "lone continuation byte", raw(0x80), null));
            samples.add(withLeaf(valid, pointer, "overlong encoding", raw(0xC0, 0xAF), null));
            samples.add(withLeaf(valid, pointer, "overlong NUL", raw(0xC0, 0x80), null));
            samples.add(withLeaf(valid, pointer, "CESU-8 surrogate", raw(0xED, 0xA0, 0x80), null));
            samples.add(withLeaf(valid, pointer, "above U+10FFFF", raw(0xF4, 0x90, 0x80, 0x80), null));
            samples.add(withLeaf(valid, pointer, "byte 0xFF", raw(0xFF), null));
            samples.add(withLeaf(valid, pointer, "truncated sequence", raw(0xE2, 0x82), null));
        }
        return samples;
    }

    /**
     * What is wrong with a service's answer to a hostile body, or null when it is the refusal required: 400,
     * {@code application/problem+json}, type {@code urn:crosstenant:problem:malformed-json}, {@code field} the
     * sample's pointer (when the sample names one).
     *
     * @param sample      the body sent
     * @param status      the answer's status
     * @param contentType its Content-Type
     * @param body        its body
     * @return a description of the fault, or null
     */
    public static String fault(Sample sample, int status, String contentType, String body) {
        if (status != 400) {
            return "status " + status + " " + body;
        }
        if (!"application/problem+json".equals(contentType)) {
            return "content type " + contentType;
        }
        JsonNode problem;
        try {
            problem = PLAIN.readTree(body);
        } catch (Exception e) {
            return "unreadable problem " + body;
        }
        if (!"urn:crosstenant:problem:malformed-json".equals(problem.path("type").asText())) {
            return "type " + problem.path("type").asText() + " " + body;
        }
        if (sample.pointer() != null && !sample.pointer().equals(problem.path("field").asText(null))) {
            return "field " + problem.path("field").asText(null) + " instead of " + sample.pointer();
        }
        return null;
    }

    /** The JSON pointers of every string value in a tree. */
    private static List<String> stringLeaves(JsonNode node, String at) {
        List<String> leaves = new ArrayList<>();
        if (node.isTextual()) {
            leaves.add(at);
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                leaves.addAll(stringLeaves(e.getValue(), at + "/" + e.getKey().replace("~", "~0").replace("/", "~1")));
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                leaves.addAll(stringLeaves(node.get(i), at + "/" + i));
            }
        }
        return leaves;
    }

    /** The body with the string at {@code pointer} replaced by {@code hostile} (JSON text bytes inside the quotes). */
    private static Sample withLeaf(ObjectNode valid, String pointer, String name, byte[] hostile, String expected) {
        ObjectNode copy = valid.deepCopy();
        JsonPointer at = JsonPointer.compile(pointer);
        JsonNode parent = copy.at(at.head());
        if (parent.isObject()) {
            ((ObjectNode) parent).put(at.last().getMatchingProperty(), MARK);
        } else {
            ((com.fasterxml.jackson.databind.node.ArrayNode) parent).set(at.last().getMatchingIndex(), MARK);
        }
        String text = copy.toString();
        int mark = text.indexOf(MARK);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(text.substring(0, mark).getBytes(StandardCharsets.UTF_8));
        out.writeBytes(hostile);
        out.writeBytes(text.substring(mark + MARK.length()).getBytes(StandardCharsets.UTF_8));
        return new Sample(name + " in " + pointer, out.toByteArray(), expected);
    }

    private static Sample sample(String name, String body, String pointer) {
        return new Sample(name, body.getBytes(StandardCharsets.UTF_8), pointer);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] raw(int... values) {
        byte[] bytes = new byte[values.length + 2];
        bytes[0] = 'a';
        for (int i = 0; i < values.length; i++) {
            bytes[i + 1] = (byte) values[i];
        }
        bytes[bytes.length - 1] = 'z';
        return bytes;
    }
}
