package org.crosstenant.platform.tlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

/** The canonical form's rules, each pinned by an exact text (docs/audit.md "Canonical record bytes"). */
class CanonicalJsonTest {

    @Test
    void keysAreSortedAtEveryLevelWithoutWhitespaceAndArraysKeepTheirOrder() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("z", List.of(3, Map.of("b", 1, "a", 2), "x"));
        value.put("a", null);
        value.put("é", "é\"\n");
        value.put("B", 1.5);
        assertEquals("{\"B\":1.5,\"a\":null,\"z\":[3,{\"a\":2,\"b\":1},\"x\"],\"é\":\"é\\\"\\n\"}",
                CanonicalJson.write(value));
    }

    @Test
    void textAndTreeGiveTheSameCanonicalForm() throws Exception {
        String text = "{ \"b\" : [1, 2.50, 123456789012345678901234567890], \"a\" : {\"y\": true, \"x\": \"\\u00e9\"} }";
        String expected = "{\"a\":{\"x\":\"é\",\"y\":true},\"b\":[1,2.5,123456789012345678901234567890]}";
        assertEquals(expected, CanonicalJson.write(CanonicalJson.plain(text)));
        assertEquals(expected, CanonicalJson.write(CanonicalJson.plain(new ObjectMapper().readTree(text))));
        assertNull(CanonicalJson.plain((String) null));
    }

    @Test
    void hostileTextIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.plain("{\"a\":1,\"a\":2}"));
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.plain("{\"a\":1} {}"));
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.plain("{\"a\":"));
    }

    @Test
    void instantsAreWrittenAsInstantToString() {
        assertEquals("2026-03-01T10:00:00Z", CanonicalJson.instant(Instant.parse("2026-03-01T10:00:00.000Z")));
        assertEquals("2026-03-01T10:00:00.120Z", CanonicalJson.instant(Instant.parse("2026-03-01T10:00:00.12Z")));
        assertEquals("2026-03-01T10:00:00.123456Z",
                CanonicalJson.instant(Instant.parse("2026-03-01T10:00:00.123456Z")));
        assertNull(CanonicalJson.instant(null));
    }
}
