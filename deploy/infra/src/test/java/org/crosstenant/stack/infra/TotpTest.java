package org.crosstenant.stack.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class TotpTest {

    /** RFC 6238 Appendix B, SHA-1 seed "12345678901234567890": the 8-digit values' last 6 digits. */
    @Test
    void matchesTheRfc6238TestVectors() {
        String seed = "12345678901234567890";
        assertEquals("287082", Totp.code(seed, Instant.ofEpochSecond(59)));
        assertEquals("081804", Totp.code(seed, Instant.ofEpochSecond(1111111109)));
        assertEquals("050471", Totp.code(seed, Instant.ofEpochSecond(1111111111)));
        assertEquals("005924", Totp.code(seed, Instant.ofEpochSecond(1234567890)));
        assertEquals("279037", Totp.code(seed, Instant.ofEpochSecond(2000000000)));
    }

    @Test
    void oneCodePerThirtySecondStep() {
        String seed = Totp.BOB_SECRET;
        assertEquals(Totp.code(seed, Instant.ofEpochSecond(60)), Totp.code(seed, Instant.ofEpochSecond(89)));
        assertNotEquals(Totp.code(seed, Instant.ofEpochSecond(89)), Totp.code(seed, Instant.ofEpochSecond(90)));
    }
}
