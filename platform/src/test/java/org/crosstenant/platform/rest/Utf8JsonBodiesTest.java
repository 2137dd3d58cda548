package org.crosstenant.platform.rest;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 8259 §8.1: a JSON body is UTF-8; any other declared charset is refused, UTF-8 in any spelling passes. */
class Utf8JsonBodiesTest {

    @ParameterizedTest
    @ValueSource(strings = { "application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8",
            "Application/JSON; Charset=\"Utf-8\"", "application/merge-patch+json; charset=utf-8",
            "application/json; foo=bar", "text/plain; charset=ISO-8859-1", "application/xml; charset=utf-16" })
    void utf8OrNoCharsetOrNotJsonPasses(String contentType) {
        assertNull(Utf8JsonBodies.violation(contentType));
    }

    @ParameterizedTest
    @ValueSource(strings = { "application/json; charset=ISO-8859-1", "application/json; charset=utf-16",
            "application/json;charset=UTF-16LE", "application/json; charset=utf8", "application/json; charset=",
            "application/json; charset", "application/json; charset=\"\"", "application/json; charset=nonsense-\u0001",
            "application/json; charset=utf-8; charset=latin1", "application/problem+json; charset=us-ascii" })
    void anyOtherCharsetIsRefusedNamingTheAcceptedType(String contentType) {
        String detail = Utf8JsonBodies.violation(contentType);
        assertNotNull(detail, contentType);
        assertTrue(detail.contains(Utf8JsonBodies.ACCEPTED), detail);
        assertTrue(detail.chars().allMatch(c -> c >= 0x20 && c < 0x7f), "printable: " + detail);
    }
}
