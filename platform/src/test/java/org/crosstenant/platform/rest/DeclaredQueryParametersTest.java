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
                "=orphan", "s%69de=home", "after=a%26b%3Dc")) {
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
        String detail = DeclaredQueryParameters.violation("a%0Ab%E2%80%AE" + "x".repeat(100) + "=1", Set.of());
        assertTrue(detail.startsWith("unknown query parameter '"), detail);
        assertTrue(!detail.contains("\n") && !detail.contains("\u202e") && detail.length() < 200, detail);
    }

    @Test
    void aMalformedPercentEncodingIsRefused() {
        for (String query : List.of("%zz=1", "side%=1", "%E2%82=1")) {
            String detail = DeclaredQueryParameters.violation(query, LISTING);
            assertTrue(detail != null, query);
        }
    }
}
