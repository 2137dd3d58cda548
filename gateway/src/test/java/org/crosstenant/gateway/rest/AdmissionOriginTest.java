package org.crosstenant.gateway.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The upstream quota key: one per scheme, host and port, whatever the path or spelling of the registered URL. */
class AdmissionOriginTest {

    @Test
    void pathsAndSpellingsOfOneUpstreamShareOneKey() {
        assertEquals("http://apps.example:80", Admission.origin("http://apps.example/a"));
        assertEquals("http://apps.example:80", Admission.origin("HTTP://Apps.Example:80/b?x=1"));
        assertEquals("https://apps.example:443", Admission.origin("https://apps.example"));
    }

    @Test
    void aHostUriCannotParseAsAServerNameIsStillKeyedWithoutItsPath() {
        // URI.getHost() is null for a name with '_': the key must not fall back to the whole URL (one key per path)
        assertEquals("http://contoso_projects:8090", Admission.origin("http://contoso_projects:8090/a"));
        assertEquals("http://contoso_projects:8090", Admission.origin("http://user@Contoso_Projects:8090/j"));
        assertEquals("http://contoso_projects:80", Admission.origin("http://contoso_projects/x"));
    }
}
