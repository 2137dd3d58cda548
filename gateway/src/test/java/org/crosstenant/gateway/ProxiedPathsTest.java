package org.crosstenant.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.crosstenant.gateway.rest.ProxiedPaths;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The kinds of path a decoding upstream could read differently from the gateway, and paths that must still pass. */
class ProxiedPathsTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "/apps/contoso/contoso-projects/..%2Fsecrets/x", // the issue's input
            "/apps/contoso/p/..%2fsecrets/x", // lower case
            "/apps/contoso/p/a%2Fb",
            "/apps/contoso/p/..%252Fsecrets/x", // double encoding
            "/apps/contoso/p/..%25252Fsecrets/x", // triple
            "/apps/contoso/p/%25%32%46", // %2F spelled out in escapes
            "/apps/contoso/p/..%5Csecrets", "/apps/contoso/p/..%5csecrets", "/apps/contoso/p/%255Cx",
            "/apps/contoso/p/..\\secrets", "/apps/contoso/p/a\\b",
            "/apps/contoso/p/%2E%2E/secrets", "/apps/contoso/p/%2e./secrets", "/apps/contoso/p/.%2e/secrets",
            "/apps/contoso/p/%252E%252E/secrets", "/apps/contoso/p/%2e",
            "/apps/contoso/p/../secrets", "/apps/contoso/p/./x", "/apps/contoso/p/..", "/apps/contoso/p/.",
            "/apps/contoso/p/..;/secrets", "/apps/contoso/p/..;jsessionid=1/x", "/apps/contoso/p/.;x/y",
            "/apps/contoso/p/..%3B/secrets", "/apps/contoso/p/..%253B/secrets",
            "/apps/contoso/p/x%00.html", "/apps/contoso/p/x%2500", "/apps/contoso/p/x%0d%0aSet-Cookie:a=b",
            "/apps/contoso/p/x%7F", "/apps/contoso/p/x\u0000", "/apps/contoso/p/x\t",
            "/apps/contoso/p/x%zz", "/apps/contoso/p/x%2", "/apps/contoso/p/x%",
            "/apps/contoso/p/%25252525252525252525252541", // nested 11 deep
            "apps/contoso/p/x", "", "/apps/contoso/p/x#frag", "/apps/contoso/p/#", "/api/v1/invitations/1#"
    })
    void refused(String path) {
        assertTrue(ProxiedPaths.refusal(path).isPresent(), path + " must be refused");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/apps/contoso/p/boards/a%20b", "/apps/contoso/p/", "/apps/contoso/p", "/apps/contoso/p/boards/42",
            "/apps/contoso/p/file.tar.gz", "/apps/contoso/p/...", "/apps/contoso/p/.well-known/x",
            "/apps/contoso/p/a..b", "/apps/contoso/p/x;jsessionid=abc", "/apps/contoso/p/%C3%A9t%C3%A9",
            "/apps/contoso/p/%E2%82%AC", "/apps/contoso/p/100%25", "/apps/contoso/p/a%2520b",
            "/apps/contoso/p/a//b", "/api/v1/invitations/0b7c1c2e-1111-4c2e-9a3a-3f1a2b3c4d5e/redeem",
            "/apps/contoso/p/q%3Fnot-a-query", "/apps/contoso/p/%7Euser", "/apps/contoso/p/wiki/C%23"
    })
    void allowed(String path) {
        assertEquals(Optional.empty(), ProxiedPaths.refusal(path), path + " must pass");
    }

    @org.junit.jupiter.api.Test
    void theReasonNamesTheDepthAtWhichTheDangerAppeared() {
        assertEquals("the path contains an encoded separator (%2F) after 1 level(s) of percent-decoding",
                ProxiedPaths.refusal("/a/..%252Fb").orElseThrow());
        assertEquals("the path contains an encoded separator (%2F)", ProxiedPaths.refusal("/a/%2f").orElseThrow());
    }
}
