package org.crosstenant.platform.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Only the parameters an endpoint reads, each once, names compared exactly as sent. */
class DeclaredQueryParametersTest {

    private static final Set<String> LISTING = Set.of("side", "after", "limit");

    @Test
    void theDeclaredParametersOnceEachPass() {
        for (String query : List.of("", "side=home", "side=home&after=x&limit=5", "side", "side=", "&side=home&",
                "s%69de=home", "after=a%26b%3Dc", "side=home;after=x", ";;side=home")) {
            assertNull(DeclaredQueryParameters.violation(query, LISTING), query);
        }
        assertNull(DeclaredQueryParameters.violation(null, Set.of()));
    }

    @Test
    void aNameInOtherLetterCaseIsUnknownNotFoldedIntoTheDeclaredOne() {
        for (String query : List.of("Side=home", "SIDE=home", "side=home&Side=resource", "Side=resource&side=home",
                "%53ide=home")) {
            String detail = DeclaredQueryParameters.violation(query, LISTING);
            assertTrue(detail != null && detail.startsWith("unknown query parameter 'S"), query + ": " + detail);
            assertTrue(detail.endsWith("this endpoint reads after, limit, side (names are case-sensitive)"), detail);
        }
    }

    /**
     * The HTTP server also splits at ";" and reads a piece without a name in its own way: both are checked, so
     * ?dryRun=false;DryRun=true and ?=;dryRun=true cannot slip a parameter past the check.
     */
    @Test
    void semicolonSeparatedAndNamelessPiecesAreCheckedToo() {
        assertTrue(DeclaredQueryParameters.violation("side=home;Side=resource", LISTING).startsWith("unknown"));
        assertTrue(DeclaredQueryParameters.violation("limit=1;bogus=1", LISTING).startsWith("unknown"));
        assertEquals("query parameter side is given more than once",
                DeclaredQueryParameters.violation("side=home;side=resource", LISTING));
        for (String query : List.of("=x", "=", "=;dryRun=true", "side=home&=x")) {
            String detail = DeclaredQueryParameters.violation(query, Set.of("side", "dryRun"));
            assertTrue(detail != null && detail.startsWith("a query parameter has a value but no name"), query);
        }
        assertTrue(DeclaredQueryParameters.violation("=x;dryRun=true", Set.of()) != null);
    }

    @Test
    void aRepeatedOneIsAmbiguousAndRefused() {
        assertEquals("query parameter side is given more than once",
                DeclaredQueryParameters.violation("side=home&side=resource", LISTING));
        assertEquals("query parameter side is given more than once",
                DeclaredQueryParameters.violation("side=home&s%69de=home", LISTING));
    }

    @Test
    void anEndpointThatReadsNoneRefusesAnyAndEchoesItPrintable() {
        assertEquals("unknown query parameter 'dryRun': this endpoint reads none (names are case-sensitive)",
                DeclaredQueryParameters.violation("dryRun=true", Set.of()));
        String query = "a%0Ab%E2%80%AE" + "x".repeat(3000) + "=1";
        String detail = DeclaredQueryParameters.violation(query, Set.of());
        assertTrue(detail.startsWith("unknown query parameter '"), detail);
        assertTrue(!detail.contains("\n") && !detail.contains("\u202e") && detail.length() < 200, detail);
        String field = DeclaredQueryParameters.refusal(query, Set.of()).parameter();
        assertTrue(!field.contains("\n") && !field.contains("\u202e") && field.length() <= 60, field);
    }

    @Test
    void aMalformedPercentEncodingIsRefused() {
        for (String query : List.of("%zz=1", "side%=1", "%E2%82=1", "%E9=1", "s%C3ide=1", "sid\u00e9=1", "%C0%AF=1")) {
            assertEquals("the query is not percent-encoded UTF-8 (RFC 3986 section 2.1)",
                    DeclaredQueryParameters.violation(query, LISTING), query);
        }
    }
}
