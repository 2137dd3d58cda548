package org.crosstenant.gateway.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The RFC 9470 challenge's quoted values (error_description, acr_values) can carry only RFC 6750 §3's characters: a
 * quote, backslash, control character or non-ASCII character from a name can never end the quoted string or the
 * header.
 */
class InsufficientAuthenticationChallengeTest {

    @ParameterizedTest
    @ValueSource(strings = {"x\"y", "x\\y", "x\ry", "x\ny", "x\0y", "x\u007fy", "x\u00e9y", "x\u2028y",
            "x\ud800y", "x\tY"})
    void everyCharacterOutsideTheAllowedSetIsReplaced(String raw) {
        String quoted = Problems.quotable(raw);
        assertEquals(raw.length(), quoted.length());
        for (char c : quoted.toCharArray()) {
            assertTrue(c >= 0x20 && c <= 0x7e && c != '"' && c != '\\', "char " + (int) c + " in " + quoted);
        }
        assertTrue(quoted.startsWith("x") && quoted.contains("?"), quoted);
    }

    @ParameterizedTest
    @ValueSource(strings = {"contoso requires MFA for secure-app: sign in at fabrikam", "mfa gold", "a-b_c.d!#$%&'()"})
    void allowedTextIsKept(String text) {
        assertEquals(text, Problems.quotable(text));
    }
}
