package org.crosstenant.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.crosstenant.gateway.config.GatewayConfig;
import org.crosstenant.gateway.model.FederatedIdentity;
import org.crosstenant.gateway.service.FederatedTokenService;
import org.crosstenant.gateway.service.SigningKeys;
import org.crosstenant.gateway.support.Jwts;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class FederatedTokenServiceTest {

    private final SigningKeys keys = SigningKeys.ephemeral();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    private final FederatedTokenService service = FederatedTokenServiceAccess.create(config(), keys, clock);
    private final FederatedIdentity bob = new FederatedIdentity("fabrikam", "http://idp/realms/fabrikam", "bob-sub",
            "bob@fabrikam.example", List.of("z-role", "a-role"));

    @Test
    void applicationTokenCarriesTheContractClaims() {
        String token = service.forApplication(bob, "contoso", "contoso-projects", true);
        assertTrue(Jwts.verifies(token, keys.publicKey()));
        Map<String, Object> header = Jwts.header(token);
        assertEquals("RS256", header.get("alg"));
        assertEquals(keys.keyId(), header.get("kid"));
        Map<String, Object> claims = Jwts.claims(token);
        assertEquals("crosstenant-gateway", claims.get("iss"));
        assertEquals("contoso/contoso-projects", claims.get("aud"));
        assertEquals(bob.federatedSubject(), claims.get("sub"));
        assertEquals("bob-sub", claims.get("home_sub"));
        assertEquals("fabrikam", claims.get("tenant"));
        assertEquals("http://idp/realms/fabrikam", claims.get("issuer"));
        assertEquals("bob@fabrikam.example", claims.get("email"));
        assertEquals(true, claims.get("email_verified"));
        assertEquals(List.of(), claims.get("groups"), "a guest's home roles must not reach the application");
        assertEquals(true, claims.get("guest"));
        assertEquals("contoso", claims.get("resource_tenant"));
        assertEquals(clock.instant().plusSeconds(60).getEpochSecond(), ((Number) claims.get("exp")).longValue());
        assertFalse(((String) claims.get("jti")).isBlank());
    }

    @Test
    void acrAmrAndDeviceComplianceOnlyWhenTheAccessDecisionSaysSo() {
        FederatedIdentity mfaBob = new FederatedIdentity("fabrikam", "http://idp/realms/fabrikam", "bob-sub",
                "bob@fabrikam.example", List.of(), null, null, List.of("engineering"), "mfa", List.of("pwd", "otp"),
                true);
        var allowed = org.crosstenant.gateway.model.AccessDecision.directConnectUser();
        Map<String, Object> untrusted = Jwts.claims(service.forApplication(mfaBob, "contoso", "projects",
                allowed.withAssurance(false, false)));
        for (String claim : List.of("acr", "amr", "device_compliant")) {
            assertFalse(untrusted.containsKey(claim), claim + " must not be asserted unless trusted: " + untrusted);
        }
        assertEquals(true, untrusted.get("direct_connect"));
        assertEquals(true, untrusted.get("guest"));

        Map<String, Object> trusted = Jwts.claims(service.forApplication(mfaBob, "contoso", "projects",
                allowed.withAssurance(true, true)));
        assertEquals("mfa", trusted.get("acr"));
        assertEquals(List.of("otp", "pwd"), trusted.get("amr"));
        assertEquals(true, trusted.get("device_compliant"));

        Map<String, Object> guest = Jwts.claims(service.forApplication(mfaBob, "contoso", "projects",
                org.crosstenant.gateway.model.AccessDecision.guest("inv-1").withAssurance(true, false)));
        assertEquals("mfa", guest.get("acr"));
        assertFalse(guest.containsKey("device_compliant"));
        assertFalse(guest.containsKey("direct_connect"), "a guest came in by its grant");
    }

    @Test
    void membersAndServiceCallsKeepTheirGroups() {
        assertEquals(List.of("a-role", "z-role"),
                Jwts.claims(service.forApplication(bob, "fabrikam", "fabrikam-projects", false)).get("groups"));
        assertEquals(List.of("a-role", "z-role"), Jwts.claims(service.forServices(bob)).get("groups"));
    }

    @Test
    void theSameHomeSubjectInTwoTenantsIsTwoFederatedSubjects() {
        FederatedIdentity contosoBob = new FederatedIdentity("contoso", "http://idp/realms/contoso", "bob-sub", null,
                List.of());
        Map<String, Object> fabrikam = Jwts.claims(service.forApplication(bob, "contoso", "projects", true));
        Map<String, Object> contoso = Jwts.claims(service.forApplication(contosoBob, "contoso", "projects", false));
        assertEquals(fabrikam.get("home_sub"), contoso.get("home_sub"));
        assertNotEquals(fabrikam.get("sub"), contoso.get("sub"), "(iss, sub) must name one user");
        // the same for the services, and stable: the same user gets the same sub from every token
        assertEquals(fabrikam.get("sub"), Jwts.claims(service.forServices(bob)).get("sub"));
        assertNotEquals(Jwts.claims(service.forServices(bob)).get("sub"),
                Jwts.claims(service.forServices(contosoBob)).get("sub"));
        // whatever a home IdP puts in sub (a separator, another tenant's name, any length), the result is 43 ASCII
        for (String homeSub : List.of("contoso\nbob-sub", "x".repeat(5000), "\u0130\u212a", "")) {
            String sub = new FederatedIdentity("fabrikam", "i", homeSub, null, List.of()).federatedSubject();
            assertTrue(sub.matches("[A-Za-z0-9_-]{43}"), sub);
            assertNotEquals(contosoBob.federatedSubject(), sub);
        }
    }

    @Test
    void noEmailClaimsWithoutAVouchedAddress() {
        Map<String, Object> claims = Jwts.claims(service.forApplication(new FederatedIdentity("fabrikam", "i",
                "svc", null, List.of()), "contoso", "projects", true));
        assertFalse(claims.containsKey("email"));
        assertFalse(claims.containsKey("email_verified"));
    }

    @Test
    void serviceTokenHasNoApplicationClaims() {
        Map<String, Object> claims = Jwts.claims(service.forServices(bob));
        assertEquals("crosstenant-services", claims.get("aud"));
        assertFalse(claims.containsKey("guest"));
        assertFalse(claims.containsKey("resource_tenant"));
    }

    @Test
    void tokensAreReusedPerIdentityAndAudienceForTheCacheTtlOnly() {
        String first = service.forServices(bob);
        assertEquals(first, service.forServices(bob));
        assertNotEquals(first, service.forApplication(bob, "contoso", "x", true));
        assertNotEquals(first, service.forServices(new FederatedIdentity("fabrikam", bob.issuer(), "other",
                null, List.of())));
        clock.advance(Duration.ofSeconds(11));
        assertNotEquals(first, service.forServices(bob));
    }

    @Test
    void aFederatedTokenNeverOutlivesTheHomeTokenNorIsReusedPastIt() {
        Instant homeExp = clock.instant().plusSeconds(5);
        FederatedIdentity expiring = new FederatedIdentity("fabrikam", bob.issuer(), "bob-sub", bob.email(),
                bob.roles(), "s-1", homeExp);
        String token = service.forApplication(expiring, "contoso", "contoso-projects", true);
        assertEquals(homeExp.getEpochSecond(), ((Number) Jwts.claims(token).get("exp")).longValue());
        assertEquals(token, service.forApplication(expiring, "contoso", "contoso-projects", true));
        clock.advance(Duration.ofSeconds(5));
        assertNotEquals(token, service.forApplication(expiring, "contoso", "contoso-projects", true),
                "not served once the home token's exp is reached, although the cache ttl (10 s) is not over");
    }

    @Test
    void aCachedTokenIsNeverServedForAnotherTenantApplicationGuestFlagOrSession() {
        FederatedIdentity s1 = new FederatedIdentity("fabrikam", bob.issuer(), "bob-sub", bob.email(), bob.roles(),
                "s-1", clock.instant().plusSeconds(300));
        String token = service.forApplication(s1, "contoso", "projects", true);
        java.util.Set<String> others = new java.util.HashSet<>(List.of(
                service.forApplication(s1, "northwind", "projects", true),
                service.forApplication(s1, "contoso", "projects-2", true),
                service.forApplication(s1, "contoso", "projects", false),
                service.forApplication(new FederatedIdentity("fabrikam", bob.issuer(), "bob-sub", bob.email(),
                        bob.roles(), "s-2", s1.expiresAt()), "contoso", "projects", true)));
        assertEquals(4, others.size());
        assertFalse(others.contains(token));
        Map<String, Object> member = Jwts.claims(service.forApplication(s1, "contoso", "projects", false));
        assertEquals(false, member.get("guest"));
        assertEquals(token, service.forApplication(s1, "contoso", "projects", true), "the same key is a hit");
    }

    @Test
    void keyIdIsTheRfc7638Thumbprint() {
        // RFC 7638 section 3.1 example key and thumbprint
        String n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        var key = (java.security.interfaces.RSAPublicKey) Jwts.publicKey(Map.of("n", n, "e", "AQAB"));
        assertEquals("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", new SigningKeys(keys.privateKey(), key).keyId());
    }

    private static GatewayConfig.FederatedToken config() {
        return new GatewayConfig.FederatedToken() {
            public String issuer() { return "crosstenant-gateway"; }
            public String servicesAudience() { return "crosstenant-services"; }
            public Duration lifetime() { return Duration.ofSeconds(60); }
            public Duration cacheTtl() { return Duration.ofSeconds(10); }
            public int cacheMaxEntries() { return 100; }
        };
    }

    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
