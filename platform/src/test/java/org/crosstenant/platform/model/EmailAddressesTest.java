package org.crosstenant.platform.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The one email rule: canonical form, limits on it, and the ASCII/LDH shape every side agrees on. */
class EmailAddressesTest {

    @Test
    void theCanonicalFormStripsAndLowerCasesAsciiOnly() {
        assertEquals("bob@fabrikam.example", EmailAddresses.canonical("  Bob@FABRIKAM.example\n"));
        // a non-ASCII character is never folded into an acceptable one
        assertEquals("bob@\u212aabrikam.example", EmailAddresses.canonical("bob@\u212Aabrikam.example"));
        assertEquals("\u0130b@x.example", EmailAddresses.canonical("\u0130B@X.example"));
    }

    @Test
    void onlyAsciiWhiteSpaceIsStrippedSoOtherSeparatorsAreRefusedNotDropped() {
        assertEquals("bob@x.example", EmailAddresses.canonical("\t\r\n bob@x.example \n"));
        // Java's strip() would drop each of these and accept bob; they must reach the refusal instead
        for (char separator : new char[] {'\u001c', '\u001d', '\u001e', '\u001f', '\u000b', '\u000c', '\u2003',
                '\u3000', '\u0085', '\u00a0', '\u2028'}) {
            for (String raw : List.of(separator + "bob@x.example", "bob@x.example" + separator)) {
                assertEquals(raw, EmailAddresses.canonical(raw), Integer.toHexString(separator));
                assertNull(EmailAddresses.canonicalOrNull(raw), Integer.toHexString(separator));
            }
        }
    }

    @Test
    void acceptableAddressesAreAsciiWithLdhDomainLabelsWithinTheByteLimits() {
        for (String ok : List.of("bob@fabrikam.example", "o'brien+tag@a-b.example", "bob@xn--bcher-kva.example",
                "a".repeat(64) + "@" + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(57) + ".com")) {
            assertNull(EmailAddresses.violation(ok), ok);
            assertEquals(ok, EmailAddresses.canonicalOrNull(ok));
        }
        for (String bad : List.of("j\u00f6rg@fabrikam.example", "bob@b\u00fccher.example", "bob@\u212aabrikam.example",
                "a b@x.example", "a\"b@x.example", "a\\b@x.example", "a\u0000b@x.example", "bob@x..example",
                "bob@-x.example", "bob@x_y.example", "bob@example", "@x.example", "a@b@x.example",
                "bob@" + "l".repeat(64) + ".example")) {
            assertNotNull(EmailAddresses.violation(EmailAddresses.canonical(bad)), bad);
            assertNull(EmailAddresses.canonicalOrNull(bad), bad);
        }
        assertNull(EmailAddresses.canonicalOrNull(null));
    }

    @Test
    void limitsAreNamedOnTheCanonicalForm() {
        String domain = "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(58) + ".com";
        assertEquals(254L, EmailAddresses.violation("a".repeat(64) + "@" + domain).limit());
        assertEquals(64L, EmailAddresses.violation("a".repeat(65) + "@x.example").limit());
        // the issue's target: 320 characters, 321 bytes
        EmailAddresses.Refusal refusal = EmailAddresses.violation(
                EmailAddresses.canonical("\u0130" + "a".repeat(302) + "@fabrikam.example"));
        assertEquals(254L, refusal.limit());
        assertTrue(refusal.reason().contains("321 bytes"), refusal.reason());
        assertTrue(EmailAddresses.violation("j\u00f6rg@x.example").reason().contains("printable ASCII"));
    }

    @Test
    void aDomainOnItsOwnHasTheAddressDomainRuleAndTheRfc1035Length() {
        assertEquals("fabrikam.example", EmailAddresses.canonicalDomain(" Fabrikam.EXAMPLE\n"));
        assertEquals("xn--bcher-kva.example", EmailAddresses.canonicalDomain("xn--bcher-kva.example"));
        // 253 characters is a domain (RFC 1035 §2.3.4), although no address can hold it: every side accepts it
        String longest = "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(61);
        assertEquals(253, longest.length());
        assertEquals(longest, EmailAddresses.canonicalDomain(longest));
        assertNull(EmailAddresses.canonicalDomain(longest + "e"));
        for (String bad : List.of("", "  ", "example", "fabrikam.example.", ".fabrikam.example", "fabrikam..example",
                "-fabrikam.example", "fabrikam-.example", "\u212aabrikam.example", "b\u00fccher.example",
                "bob@fabrikam.example", "fabrikam.example\u00a0", "a".repeat(64) + ".example", "*.fabrikam.example")) {
            assertNull(EmailAddresses.canonicalDomain(bad), bad);
        }
        assertNull(EmailAddresses.canonicalDomain(null));
    }
}
