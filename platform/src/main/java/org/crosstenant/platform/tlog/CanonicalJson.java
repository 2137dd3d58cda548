package org.crosstenant.platform.tlog;

import java.time.Instant;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The canonical JSON text of a log entry, knowing nothing of what the entry means (docs/audit.md, "Canonical record
 * bytes"): a JSON value without any whitespace whose object keys are sorted at every nesting level by
 * {@link String#compareTo} (UTF-16 code units; the same as code point order for every key without characters above
 * U+FFFF), arrays in their order, strings escaped as Jackson does (non-ASCII written as itself), numbers as Jackson
 * writes the {@code Integer}/{@code Long}/{@code BigInteger}/{@code Double} it parsed, times as
 * {@link #instant(Instant)}.
 * <p>
 * A writer (audit-service) and a verifier that only has the entry's JSON (the offline verifier) make the same bytes
 * from the same values. Deliberately a private mapper: a change of an application's Jackson settings must not change
 * hashes.
 */
public final class CanonicalJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private CanonicalJson() {
    }

    /**
     * @param value plain values only: {@code Map<String, ?>} (any order), {@code List}, {@code String}, numbers,
     *              {@code Boolean}, null; as {@link #plain(String)} and {@link #plain(JsonNode)} return them
     * @return its canonical JSON text
     * @throws IllegalArgumentException when the value cannot be written as JSON
     */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a plain JSON value: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Parses JSON text into plain values, strictly: a duplicate object key or anything after the value is refused.
     *
     * @param json one JSON value; null gives null
     * @return {@code Map}/{@code List}/{@code String}/number/{@code Boolean}/null, as {@link #write(Object)} takes
     * @throws IllegalArgumentException when the text is not exactly one JSON value
     */
    public static Object plain(String json) {
        if (json == null) {
            return null;
        }
        try {
            return MAPPER.readValue(json, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * @param node a JSON tree; null or a JSON null gives null
     * @return the plain values that parsing the tree's text would give (Jackson's own conversion)
     * @throws IllegalArgumentException when the tree holds something that is no JSON value (a POJO node)
     */
    public static Object plain(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            return MAPPER.treeToValue(node, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON tree: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * @param instant a time; null gives null
     * @return ISO-8601 UTC as {@link Instant#toString()}: seconds always, a fraction only when not zero, in groups
     *         of three digits ({@code 2026-03-01T10:00:00Z}, {@code 2026-03-01T10:00:00.120Z},
     *         {@code 2026-03-01T10:00:00.123456Z})
     */
    public static String instant(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
