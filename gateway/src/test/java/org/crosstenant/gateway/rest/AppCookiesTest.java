package org.crosstenant.gateway.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Cookie names, paths and prefixes per application on the gateway's shared origin (RFC 6265, RFC 6265bis §4.1.3). */
class AppCookiesTest {

    private final AppCookies projects = AppCookies.of("contoso", "projects");
    private final AppCookies wiki = AppCookies.of("contoso", "wiki");

    @Test
    void anApplicationReceivesOnlyItsOwnCookiesPrefixStripped() {
        List<String> sent = List.of("sid=gateway-origin; contoso.projects.sid=p1; contoso.wiki.sid=w1",
                "__Secure-contoso.projects.csrf=c1; fabrikam.projects.sid=f1; contoso.projects-2.sid=x");
        assertEquals("sid=p1; __Secure-csrf=c1", projects.request(sent, null));
        assertEquals("sid=w1", wiki.request(sent, null));
        assertNull(AppCookies.of("fabrikam", "wiki").request(sent, null));
    }

    @Test
    void requestCookiesThatClaimAPrefixTheyWereNotSetWithOrCarryTheTokenAreNotForwarded() {
        List<String> sent = List.of("contoso.projects.__Host-sid=forged; contoso.projects.__SECURE-x=forged;"
                + " __Secure-contoso.projects.__host-y=forged; contoso.projects.=empty; contoso.projects.flag;"
                + " contoso.projects.t=Bearer-abc.def; contoso.projects.ok=1");
        assertEquals("ok=1", projects.request(sent, "abc.def"));
    }

    @Test
    void setCookieGetsThePrefixTheApplicationsPathAndNoDomain() {
        assertEquals("contoso.projects.sid=abc; Path=/apps/contoso/projects/; HttpOnly; Secure; SameSite=Lax",
                projects.response("sid=abc; Domain=.gateway.example; Path=/; HttpOnly; Secure; SameSite=Lax"));
        assertEquals("contoso.projects.theme=dark; Path=/apps/contoso/projects/; Max-Age=60; "
                + "Expires=Wed, 21 Oct 2037 07:28:00 GMT",
                projects.response("theme=dark;max-age=60;  EXPIRES=Wed, 21 Oct 2037 07:28:00 GMT; Foo=bar; Version=1"));
        // another application's name gets this application's prefix too: it lands in this application's jar only
        assertEquals("contoso.projects.contoso.wiki.sid=evil; Path=/apps/contoso/projects/",
                projects.response("contoso.wiki.sid=evil; Path=/apps/contoso/wiki/; Domain=127.0.0.1"));
        assertEquals("contoso.projects.v=a=b; Path=/apps/contoso/projects/", projects.response(" v = a=b ;path=/x"));
    }

    @Test
    void cookiePrefixesAreKeptWhereTheBrowserCanEnforceThemAndRefusedWhereItCannot() {
        assertEquals("__Secure-contoso.projects.csrf=1; Path=/apps/contoso/projects/; Secure",
                projects.response("__Secure-csrf=1; Secure"));
        assertEquals("__Secure-contoso.projects.csrf=1; Path=/apps/contoso/projects/; Secure",
                projects.response("__SECURE-csrf=1; secure"));
        assertNull(projects.response("__Secure-csrf=1"), "a __Secure- cookie without Secure");
        assertNull(projects.response("__Host-sid=1; Path=/; Secure"), "__Host- means Path=/: every application");
        assertNull(projects.response("__host-sid=1; Path=/; Secure"));
    }

    @Test
    void malformedSetCookieIsDropped() {
        for (String bad : List.of("", "novalue", "=v", "bad name=1", "a,b=1", "na\u00efve=1", "(x)=1", ";sid=1")) {
            assertNull(projects.response(bad), bad);
        }
    }

    @Test
    void idsThatCouldMakeAPrefixAmbiguousGetNoJar() {
        assertNull(AppCookies.of("contoso.projects", "x"));
        assertNull(AppCookies.of("contoso", "pro.jects"));
        assertNull(AppCookies.of("Contoso", "projects"));
        assertNull(AppCookies.of("contoso", ""));
    }
}
